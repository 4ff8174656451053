"""Where a docgraph server spends its CPU under load: a sampling profile.

Starts a throwaway embedded PostgreSQL, loads ``--docs`` documents, starts one
``docgraph serve`` process and loads it with one request shape (``--target``)
while ``py-spy`` samples the server. Prints the functions with the most
samples, by own time and by time including callees, as shares of all samples.

    .venv/bin/python bench/profile_server.py --target rest [--seconds 10]
    .venv/bin/python bench/profile_server.py --target document --raw /tmp/doc.txt

Targets: ``rest`` (``GET /id/{uid}``), ``typename`` (``{ __typename }``),
``document`` (``document(id:)`` with the REST JSON's fields). ``py-spy`` must be
installed (``pip install py-spy``); on Linux it needs ptrace rights over the
server, which a child process of the same user has.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import sys
from contextlib import ExitStack
from pathlib import Path

import psutil
from graphql_get import FIELDS, graphql
from rest_get import (
    Target,
    load_documents,
    measure,
    progress,
    start_docgraph,
    with_throwaway_postgres,
)


def targets(base: str, uids: list[str], name: str) -> list[Target]:
    endpoint = f"{base}/graphql"
    if name == "rest":
        return [f"{base}/api/v1/id/{uid}" for uid in uids]
    if name == "typename":
        return [graphql(endpoint, "{ __typename }")]
    return [graphql(endpoint, f'{{ document(id: "{uid}") {{ {FIELDS} }} }}') for uid in uids]


def summarise(raw: Path, top: int) -> None:
    """py-spy's collapsed stacks: one line per distinct stack, then its count."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count
    for title, counter in (("own time", own), ("including callees", inclusive)):
        print(f"\n{title} ({total} samples)")
        for frame, count in counter.most_common(top):
            print(f"{100 * count / total:6.1f} %  {frame[:150]}")


async def run(args: argparse.Namespace, dsn: str, workdir: Path, stack: ExitStack) -> None:
    from docgraph.gateway.cli import prepare
    from docgraph.settings import Settings

    await prepare(dsn, Settings(plugins=()))
    uids = await load_documents(dsn, args.docs)
    base, server = await start_docgraph(dsn, workdir, stack)
    load = targets(base, uids, args.target)
    process = psutil.Process(server.pid)
    await measure(load, args.concurrency, 2.0, process)  # warm caches first
    raw = args.raw or workdir / "profile.txt"
    progress(f"sampling {args.target} for {args.seconds:g} s")
    spy = await asyncio.create_subprocess_exec(
        *(
            args.py_spy,
            *("record", "--pid", str(server.pid), "--format", "raw", "--output", str(raw)),
            *("--duration", str(int(args.seconds)), "--rate", str(args.rate)),
            # Native frames need the process paused while sampled.
            *(["--native"] if args.native else ["--nonblocking"]),
        ),
        stdout=asyncio.subprocess.DEVNULL,
    )
    result = await measure(load, args.concurrency, args.seconds, process)
    await spy.wait()
    progress(f"{result.rps:.0f} req/s, server {result.server_us_per_request:.0f} us/req")
    summarise(raw, args.top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("rest", "typename", "document"), default="rest")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--native", action="store_true", help="C frames too (slower)")
    parser.add_argument("--raw", type=Path, help="keep py-spy's collapsed stacks here")
    beside = Path(sys.executable).with_name("py-spy")
    parser.add_argument("--py-spy", default=shutil.which("py-spy") or str(beside))
    args = parser.parse_args()
    return with_throwaway_postgres(lambda dsn, workdir, stack: run(args, dsn, workdir, stack))


if __name__ == "__main__":
    sys.exit(main())
