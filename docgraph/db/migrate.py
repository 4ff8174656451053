"""Forward-only migrations: numbered ``.sql`` files applied in order.

Each file runs in its own transaction together with the bump of the recorded
version, under an advisory lock so that several starting workers migrate once.
Plugins keep their own version under their own ``component`` key.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path

import asyncpg
from asyncpg.types import ServerVersion

from docgraph.settings import ConfigurationError

log = logging.getLogger(__name__)

# SQL/JSON constructors (json_object ... ABSENT ON NULL, db/rendered.py) came
# with PostgreSQL 16; the tests run on the embedded server (18).
MIN_SERVER_VERSION = 160000

_FILE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Any constant works; it only has to be the same for every docgraph process.
_LOCK_KEY = 0x646F6367


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str
    component: str = "docgraph"


def load_migrations(directory: Path | None = None) -> list[Migration]:
    """The ``NNNN_name.sql`` files of ``directory`` (docgraph's own by default)."""
    root = directory or Path(str(resources.files("docgraph.db") / "migrations"))
    found = []
    for path in sorted(root.iterdir()):
        match = _FILE.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), path.name, path.read_text()))
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps: {versions}")
    return found


_SETUP = """
CREATE TABLE IF NOT EXISTS docgraph_migrations (
    component  text PRIMARY KEY,
    version    integer NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


async def current_version(conn: asyncpg.Connection, component: str = "docgraph") -> int:
    await conn.execute(_SETUP)
    version = await conn.fetchval(
        "SELECT version FROM docgraph_migrations WHERE component = $1", component
    )
    return version or 0


async def migrate(
    conn: asyncpg.Connection,
    migrations: list[Migration] | None = None,
    *,
    component: str = "docgraph",
    dry_run: bool = False,
) -> list[Migration]:
    """Apply the pending migrations; returns those applied (or, dry, pending)."""
    migrations = load_migrations() if migrations is None else migrations
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
        await conn.execute(_SETUP)
    applied = []
    for migration in migrations:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _LOCK_KEY)
            if migration.version <= await current_version(conn, component):
                continue
            if dry_run:
                applied.append(migration)
                continue
            log.info("applying migration %s of %s", migration.name, component)
            await conn.execute(migration.sql)
            await conn.execute(
                """
                INSERT INTO docgraph_migrations (component, version) VALUES ($1, $2)
                ON CONFLICT (component) DO UPDATE SET version = $2, applied_at = now()
                """,
                component,
                migration.version,
            )
            applied.append(migration)
    return [replace(m, component=component) for m in applied]


def check_server(version: ServerVersion) -> None:
    """Refuse a PostgreSQL older than docgraph's SQL needs, before any change."""
    number = version.major * 10000 + version.minor
    if number < MIN_SERVER_VERSION:
        raise ConfigurationError(
            f"docgraph needs PostgreSQL {MIN_SERVER_VERSION // 10000} or later;"
            f" the database runs {version.major}.{version.minor}"
        )


async def migrate_database(
    dsn: str,
    *,
    dry_run: bool = False,
    components: Sequence[tuple[str, Path]] = (),
) -> list[Migration]:
    """Connect to ``dsn`` and apply (or, dry, list) the pending migrations:
    docgraph's, then each ``(component, directory)`` of the plugins, in order."""
    plan = [("docgraph", load_migrations())]
    plan += [(component, load_migrations(directory)) for component, directory in components]
    conn = await asyncpg.connect(dsn)
    try:
        check_server(conn.get_server_version())
        applied = []
        for component, migrations in plan:
            applied += await migrate(conn, migrations, component=component, dry_run=dry_run)
        return applied
    finally:
        await conn.close()
