"""Test fixtures: one PostgreSQL per session (``DOCGRAPH_TEST_DSN`` or an
embedded throwaway cluster), a migrated template database, and a fresh clone
of it for every test module."""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import asyncpg
import pytest
from aiohttp.test_utils import TestClient

from docgraph.db.embedded import EmbeddedPostgres
from docgraph.db.pool import Database, create_pool
from docgraph.gateway import keys
from docgraph.gateway.app import create_app
from docgraph.gateway.cli import prepare
from docgraph.plugins import Registry, build_registry
from docgraph.resolvers.context import DEFAULT_REPOSITORY, Principal, RequestContext
from docgraph.settings import Settings

TEMPLATE = "docgraph_template"
ADMIN_AUTH = "Basic " + base64.b64encode(b"Administrator:Administrator").decode()
_counter = itertools.count()


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + database))


@pytest.fixture(scope="session")
def server_dsn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A maintenance DSN (database ``postgres``) of the session's server."""
    if dsn := os.environ.get("DOCGRAPH_TEST_DSN"):
        yield dsn
        return
    embedded = EmbeddedPostgres(Path(tmp_path_factory.mktemp("pg")), delete_on_stop=True)
    embedded.start()
    try:
        yield embedded.dsn("postgres")
    finally:
        embedded.stop()


@pytest.fixture(scope="session")
def registry() -> Registry:
    """docgraph's own features, whatever plugins the environment has installed."""
    return build_registry(enabled=())


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    return Settings(pool_min_size=1, pool_max_size=4)


@pytest.fixture(scope="session")
def template_dsn(server_dsn: str, base_settings: Settings) -> str:
    async def build() -> None:
        admin = await asyncpg.connect(server_dsn)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            await admin.execute(f"CREATE DATABASE {TEMPLATE}")
        finally:
            await admin.close()
        await prepare(with_database(server_dsn, TEMPLATE), base_settings)

    asyncio.run(build())
    return with_database(server_dsn, TEMPLATE)


def fresh_database(server_dsn: str, label: str) -> str:
    name = f"t{next(_counter)}_{os.getpid()}_{re.sub(r'[^a-z0-9]', '_', label.lower())[-30:]}"

    async def clone() -> None:
        admin = await asyncpg.connect(server_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE} STRATEGY FILE_COPY')
        finally:
            await admin.close()

    asyncio.run(clone())
    return with_database(server_dsn, name)


@pytest.fixture(scope="module")
def database_url(server_dsn: str, template_dsn: str, request: pytest.FixtureRequest) -> str:
    return fresh_database(server_dsn, request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return base_settings


@pytest.fixture
async def client(
    aiohttp_client: Any, database_url: str, settings: Settings, registry: Registry
) -> TestClient:
    app = create_app(settings, database_url, registry=registry)
    return await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    pool = await create_pool(database_url, min_size=1, max_size=2)
    try:
        yield Database(pool)
    finally:
        await pool.close()


ADMINISTRATOR = Principal("Administrator", ("administrators",), is_administrator=True)


@pytest.fixture
def make_ctx(db: Database, registry: Registry, settings: Settings) -> Callable[..., RequestContext]:
    """Engine tests need no HTTP: a request context over the module's database."""

    def make(
        principal: Principal = ADMINISTRATOR, *, registry: Registry = registry
    ) -> RequestContext:
        return RequestContext(principal, DEFAULT_REPOSITORY, db, registry, settings)

    return make


@pytest.fixture
async def anonymous(client: TestClient) -> AsyncIterator[aiohttp.ClientSession]:
    """A session on the test server that sends no credentials."""
    async with aiohttp.ClientSession(base_url=str(client.make_url("/"))) as session:
        yield session


@pytest.fixture
def app_database(client: TestClient) -> Database:
    """The Database of the app under test (its ``stats`` count statements)."""
    return client.app[keys.DATABASE]
