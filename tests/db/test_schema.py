"""Migrations and named queries against the real schema."""

from __future__ import annotations

import asyncpg
import pytest
from asyncpg.types import ServerVersion

from docgraph.db.migrate import check_server, current_version, load_migrations, migrate
from docgraph.db.queries import Q, all_queries
from docgraph.settings import ConfigurationError


async def test_every_named_query_prepares(db):
    from docgraph.db import documents

    # The listing statements are spliced from fragments: prepare those too.
    queries = {
        **all_queries(Q),
        "children by title": documents._CHILDREN_BY_TITLE,
        "children by position": documents._CHILDREN_BY_POSITION,
        "children by keys": documents._CHILDREN_BY_KEYS,
    }
    assert len(queries) >= 10
    async with db.pool.acquire() as conn:
        for name, sql in queries.items():
            try:
                await conn.prepare(sql)
            except asyncpg.PostgresError as exc:  # pragma: no cover - the failure message
                raise AssertionError(f"query {name} does not prepare: {exc}") from exc


async def test_migrations_are_applied_once(db):
    async with db.pool.acquire() as conn:
        assert await current_version(conn) == len(load_migrations())
        assert await migrate(conn) == []
        assert await migrate(conn, dry_run=True) == []


def test_a_server_too_old_is_refused_before_any_change():
    check_server(ServerVersion(16, 0, 0, "final", 0))
    check_server(ServerVersion(18, 6, 0, "final", 0))
    with pytest.raises(ConfigurationError, match="PostgreSQL 16 or later; the database runs 15.8"):
        check_server(ServerVersion(15, 8, 0, "final", 0))
