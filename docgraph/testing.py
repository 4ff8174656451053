"""Test fixtures for docgraph and its plugins (a pytest plugin, loaded by the
``pytest11`` entry point wherever docgraph is installed).

One PostgreSQL per test session (``DOCGRAPH_TEST_DSN``, or an embedded
throwaway cluster), one migrated template database with the default content,
and cheap clones of it: a plugin's tests get a database with the plugin's own
migrations applied by passing its registry to ``docgraph_database``.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from docgraph.db.embedded import EmbeddedPostgres
from docgraph.db.migrate import migrate_database
from docgraph.plugins import Registry
from docgraph.settings import Settings

TEMPLATE = "docgraph_template"
ADMIN_AUTH = "Basic " + base64.b64encode(b"Administrator:Administrator").decode()
_counter = itertools.count()


def with_database(dsn: str, database: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + database))


def fresh_database(server_dsn: str, label: str, registry: Registry | None = None) -> str:
    """A new database cloned from the template; with ``registry``, its plugins'
    migrations applied on top."""
    name = f"t{next(_counter)}_{os.getpid()}_{re.sub(r'[^a-z0-9]', '_', label.lower())[-30:]}"

    async def clone() -> None:
        admin = await asyncpg.connect(server_dsn)
        try:
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE {TEMPLATE} STRATEGY FILE_COPY')
        finally:
            await admin.close()
        if registry is not None and registry.migrations:
            components = [(m.component, m.directory) for m in registry.migrations]
            await migrate_database(with_database(server_dsn, name), components=components)

    asyncio.run(clone())
    return with_database(server_dsn, name)


@pytest.fixture(scope="session")
def docgraph_server_dsn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
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
def docgraph_template_dsn(docgraph_server_dsn: str) -> str:
    """The template: docgraph's migrations and default content, no plugin's."""
    from docgraph.gateway.cli import prepare

    async def build() -> None:
        admin = await asyncpg.connect(docgraph_server_dsn)
        try:
            await admin.execute(f"DROP DATABASE IF EXISTS {TEMPLATE}")
            await admin.execute(f"CREATE DATABASE {TEMPLATE}")
        finally:
            await admin.close()
        await prepare(with_database(docgraph_server_dsn, TEMPLATE), Settings(plugins=()))

    asyncio.run(build())
    return with_database(docgraph_server_dsn, TEMPLATE)


@pytest.fixture(scope="session")
def docgraph_database(docgraph_server_dsn: str, docgraph_template_dsn: str) -> Callable[..., str]:
    """``docgraph_database(label, registry=None)``: the DSN of a fresh database."""

    def make(label: str, registry: Registry | None = None) -> str:
        return fresh_database(docgraph_server_dsn, label, registry)

    return make
