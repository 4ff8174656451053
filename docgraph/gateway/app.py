"""The application factory: one aiohttp app serving both doors."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import strawberry
from aiohttp import web

from docgraph.background import running
from docgraph.db import idempotency as db_idempotency
from docgraph.db.blobs import store_for
from docgraph.db.notify import ACCOUNTS, CHANGES, listening
from docgraph.db.pool import Database, Gate, create_pool
from docgraph.gateway import keys
from docgraph.gateway.deadlines import Deadlines
from docgraph.gateway.graphql import STATIC, GraphQLDoor
from docgraph.gateway.idempotency import idempotency
from docgraph.gateway.middleware import (
    authenticate,
    close_contexts,
    cors,
    nuxeo_errors,
    time_limit,
)
from docgraph.gateway.nuxeo.routes import add_routes
from docgraph.gateway.runs import AsyncRuns
from docgraph.plugins import Periodic, Registry, configured_registry
from docgraph.resolvers import acls, automation_runs, bulk, conversion_jobs, extraction, uploads
from docgraph.resolvers.bearer import BearerVerifier
from docgraph.resolvers.live import ChangeHub
from docgraph.resolvers.users import Authenticator, on_accounts_message
from docgraph.schema import build_schema
from docgraph.schema.limits import Limits
from docgraph.schema.persisted import load_manifest
from docgraph.schema.pipeline import Pipeline
from docgraph.settings import Settings

log = logging.getLogger(__name__)

GRAPHQL_PATH = "/nuxeo/graphql"
# GraphiQL's page, scripts and styles (public files: no credentials needed).
STATIC_PATH = "/nuxeo/static"


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[keys.SETTINGS]
    pool = await create_pool(
        app[keys.DATABASE_URL], min_size=settings.pool_min_size, max_size=settings.pool_max_size
    )
    gate = Gate(pool, max_waiting=settings.pool_max_waiting, timeout=settings.pool_timeout)
    app[keys.DATABASE] = Database(pool, gate=gate)
    try:
        yield
    finally:
        await pool.close()


def _background(app: web.Application) -> Database:
    """The database as background work uses it: the same pool and queue, its
    own statement count, so that requests' counts are theirs alone."""
    requests = app[keys.DATABASE]
    return Database(requests.pool, gate=requests.gate)


async def _deadlines(app: web.Application) -> AsyncIterator[None]:
    async with app[keys.DEADLINES].sweeping():
        yield


async def _timed_acl_refresh(app: web.Application) -> AsyncIterator[None]:
    """ACEs with a begin or end take effect in listings within one interval."""

    async def refresh_forever() -> None:
        interval = app[keys.SETTINGS].acl_refresh_interval
        since = datetime.now(UTC)
        while True:
            await asyncio.sleep(interval)
            until = datetime.now(UTC)
            try:
                await acls.refresh_timed(
                    _background(app), app[keys.REGISTRY], app[keys.SETTINGS], since, until
                )
            except Exception:  # the database may be away for a while: try again later
                log.exception("refreshing timed ACEs failed; retrying next interval")
                continue
            since = until

    async with running(refresh_forever(), "timed ACE refresh"):
        yield


async def _plugin_periodics(app: web.Application) -> AsyncIterator[None]:
    """Each registered Periodic runs on its own timer while the server runs."""

    async def every(periodic: Periodic) -> None:
        while True:
            await asyncio.sleep(periodic.interval)
            try:
                await periodic.func(_background(app), app[keys.REGISTRY], app[keys.SETTINGS])
            except Exception:  # the database may be away for a while: try again later
                log.exception("periodic %s failed; retrying next interval", periodic.name)

    async with contextlib.AsyncExitStack() as stack:
        for periodic in app[keys.REGISTRY].periodics:
            await stack.enter_async_context(running(every(periodic), periodic.name))
        yield


async def _expired_rows(app: web.Application) -> AsyncIterator[None]:
    """Upload batches past their time to live are dropped (their blobs go at
    the next ``docgraph gc-blobs``), and so are answers kept for idempotent
    requests and asynchronous runs."""

    async def drop_forever() -> None:
        while True:
            await asyncio.sleep(min(600.0, app[keys.SETTINGS].batch_ttl / 4))
            try:
                await uploads.drop_expired(_background(app))
                await db_idempotency.drop_expired(_background(app))
                await automation_runs.drop_old(_background(app))
            except Exception:  # the database may be away for a while
                log.exception("dropping expired rows failed; retrying later")

    async with running(drop_forever(), "expired rows"):
        yield


async def _text_extraction(app: web.Application) -> AsyncIterator[None]:
    """Files' text, for full-text search, extracted off the request path."""
    settings = app[keys.SETTINGS]
    work = extraction.drain_forever(
        _background(app), store_for(settings), settings.extraction_interval
    )
    async with running(work, "text extraction"):
        yield


async def _background_conversions(app: web.Application) -> AsyncIterator[None]:
    """Conversions asked for with async=true, run off the request path."""
    settings = app[keys.SETTINGS]
    work = conversion_jobs.work_forever(
        _background(app), app[keys.REGISTRY], settings, settings.extraction_interval
    )
    async with running(work, "background conversions"):
        yield


async def _bulk_commands(app: web.Application) -> AsyncIterator[None]:
    """Bulk commands of any process's users, run here one at a time."""
    settings = app[keys.SETTINGS]
    work = bulk.work_forever(
        _background(app), app[keys.REGISTRY], settings, settings.extraction_interval
    )
    async with running(work, "bulk commands"):
        yield


async def _async_runs(app: web.Application) -> AsyncIterator[None]:
    """Operations running in the background stop with the server."""
    yield
    await app[keys.ASYNC_RUNS].close()


async def _account_changes(app: web.Application) -> AsyncIterator[None]:
    """Credentials changed by another process are forgotten here too."""
    authenticator = app[keys.AUTHENTICATOR]
    async with listening(
        app[keys.DATABASE_URL],
        ACCOUNTS,
        on_accounts_message(authenticator),
        on_reconnect=authenticator.forget_all,
    ):
        yield


async def _live_changes(app: web.Application) -> AsyncIterator[None]:
    """Changes committed by any process, for this process's subscribers."""
    hub = app[keys.CHANGES]

    def missed() -> None:
        log.warning("change notifications may have been missed while reconnecting")

    async with listening(app[keys.DATABASE_URL], CHANGES, hub.publish_payload, missed):
        yield


async def _server_header(request: web.Request, response: web.StreamResponse) -> None:
    # aiohttp's default names the Python and aiohttp versions.
    response.headers["Server"] = "docgraph"


def graphql_limits(settings: Settings) -> Limits:
    return Limits(
        max_query_chars=settings.graphql_max_query_chars,
        max_tokens=settings.graphql_max_tokens,
        max_depth=settings.graphql_max_depth,
        max_aliases=settings.graphql_max_aliases,
        max_cost=settings.graphql_max_cost,
        default_page_size=settings.default_page_size,
        max_page_size=settings.max_page_size,
    )


# Building the schema (its types generated from the registry) takes a few
# hundred milliseconds: done once per registry, however many apps use it.
_SCHEMAS: dict[int, tuple[Registry, strawberry.Schema]] = {}


def _schema_of(registry: Registry) -> strawberry.Schema:
    found = _SCHEMAS.get(id(registry))
    if found is None:
        # The registry is kept with its schema, so that its id is never reused.
        found = _SCHEMAS[id(registry)] = (registry, build_schema(registry))
    return found[1]


def create_app(
    settings: Settings, database_url: str, *, registry: Registry | None = None
) -> web.Application:
    app = web.Application(
        # cors first: error answers get its headers too, so browsers show them.
        middlewares=[cors, nuxeo_errors, time_limit, close_contexts, authenticate, idempotency],
        client_max_size=settings.max_json_body,
    )
    app[keys.SETTINGS] = settings
    app[keys.DATABASE_URL] = database_url
    app[keys.REGISTRY] = registry or configured_registry(settings)
    app[keys.AUTHENTICATOR] = Authenticator(
        settings.auth_cache_seconds,
        failure_window=settings.auth_failure_window,
        failures_per_window=settings.auth_failures_per_address,
    )
    # Swept often enough that a deadline is kept to within a quarter of itself.
    app[keys.DEADLINES] = Deadlines(interval=min(0.5, settings.request_timeout / 4))
    app[keys.BEARER] = BearerVerifier(settings)
    app.on_response_prepare.append(_server_header)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_deadlines)
    app.cleanup_ctx.append(_timed_acl_refresh)
    app.cleanup_ctx.append(_expired_rows)
    app.cleanup_ctx.append(_text_extraction)
    app.cleanup_ctx.append(_background_conversions)
    app.cleanup_ctx.append(_plugin_periodics)
    app[keys.ASYNC_RUNS] = AsyncRuns()
    app.cleanup_ctx.append(_bulk_commands)
    app.cleanup_ctx.append(_async_runs)
    app.cleanup_ctx.append(_account_changes)
    app[keys.CHANGES] = ChangeHub(max_feeds=settings.graphql_max_subscriptions)
    app.cleanup_ctx.append(_live_changes)
    add_routes(app)
    schema = _schema_of(app[keys.REGISTRY])
    door = GraphQLDoor(
        Pipeline(
            schema,
            graphql_limits(settings),
            introspection=settings.graphql_introspection,
            allow_list=(
                load_manifest(Path(settings.graphql_allow_list))
                if settings.graphql_allow_list
                else None
            ),
        )
    )
    app.router.add_route("*", GRAPHQL_PATH, door.handle)
    app.router.add_route("*", GRAPHQL_PATH + "/", door.handle)
    app.router.add_static(STATIC_PATH, STATIC)
    return app
