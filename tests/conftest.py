"""Test fixtures: docgraph's own pytest plugin (``docgraph.testing``) gives
the session's PostgreSQL and its template; each test module gets a fresh clone."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient

from docgraph.db.pool import Database, create_pool
from docgraph.gateway import keys
from docgraph.gateway.app import create_app
from docgraph.plugins import Registry, build_registry
from docgraph.resolvers.context import DEFAULT_REPOSITORY, Principal, RequestContext
from docgraph.settings import Settings
from docgraph.testing import ADMIN_AUTH, fresh_database
from tests.mailbox import inbox  # noqa: F401 (a fixture: a local SMTP server)

__all__ = ["ADMIN_AUTH", "basic", "fresh_database"]


def basic(username: str, password: str) -> dict[str, str]:
    """The Authorization header of a Basic login."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture(scope="session")
def server_dsn(docgraph_server_dsn: str) -> str:
    return docgraph_server_dsn


@pytest.fixture(scope="session")
def registry() -> Registry:
    """docgraph's own features, whatever plugins the environment has installed."""
    return build_registry(enabled=())


@pytest.fixture(scope="session")
def base_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # Blobs go under the session's temporary directory, never the working one.
    data_dir = tmp_path_factory.mktemp("data")
    return Settings(pool_min_size=1, pool_max_size=4, plugins=(), data_dir=data_dir)


@pytest.fixture(scope="session")
def template_dsn(docgraph_template_dsn: str) -> str:
    return docgraph_template_dsn


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


@pytest.fixture
def written_pages(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    """The pages of children PostgreSQL wrote as JSON (resolvers/rendered.py)
    from here on, as (parent uid, page spec)."""
    from docgraph.resolvers import rendered

    calls: list[tuple[str, Any]] = []
    real = rendered.children

    async def counted(ctx: RequestContext, parent: Any, page: Any) -> str:
        calls.append((parent.uid, page))
        return await real(ctx, parent, page)

    monkeypatch.setattr(rendered, "children", counted)
    return calls
