"""Bulk commands and the documents they were scrolled over (migration 0027)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from docgraph.db.acls import BrowseFilter
from docgraph.db.nxql.compiler import Compiled
from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q
from docgraph.db.search import anchored, binder, where_clause


async def submit(
    db: Database,
    command_id: UUID,
    action: str,
    username: str,
    repository: str,
    query: str,
    params: Mapping[str, Any],
    batch_size: int,
) -> Record:
    row = await db.fetchrow(
        Q.bulk.submit, command_id, action, username, repository, query, dict(params), batch_size
    )
    assert row is not None
    return row


async def command(db: Database, command_id: UUID) -> Record | None:
    return await db.fetchrow(Q.bulk.command, command_id)


async def unfinished_of(db: Database, username: str) -> int:
    return int(await db.fetchval(Q.bulk.unfinished_of, username))


async def claim(db: Database, lease: float) -> Record | None:
    return await db.fetchrow(Q.bulk.claim, lease)


async def scroll(
    db: Database,
    command_id: UUID,
    repository: str,
    compiled: Compiled,
    browse: BrowseFilter | None,
    started: datetime,
) -> int:
    """Keep the ids of the documents ``compiled`` finds that the user may
    browse, in id order, in one statement; how many."""
    await db.execute(Q.bulk.forget_documents, command_id)  # a scroll cut short before
    compiled = await anchored(db, repository, compiled)
    params: list[Any] = list(compiled.params)
    bind = binder(params)
    where = where_clause(repository, compiled.where, browse, bind)
    status = await db.execute(
        "INSERT INTO bulk_command_documents (command_id, position, document_id)"
        f" SELECT {bind(command_id, '::uuid')}, row_number() OVER (ORDER BY d.id), d.id"
        f" FROM documents d WHERE {where}",
        *params,
    )
    total = int(status.rsplit(" ", 1)[1])
    await db.execute(Q.bulk.scrolled, command_id, total, started)
    return total


async def batch(db: Database, command_id: UUID, after: int, size: int) -> list[Record]:
    return await db.fetch(Q.bulk.batch, command_id, after, size)


async def progressed(
    db: Database,
    command_id: UUID,
    *,
    done: int,
    errors: int,
    error_message: str | None,
    position: int,
    lease: float,
) -> bool:
    """Record a batch; whether an abort was asked for meanwhile."""
    return bool(
        await db.fetchval(
            Q.bulk.progressed, command_id, done, errors, error_message, position, lease
        )
    )


async def finish(db: Database, command_id: UUID, state: str) -> None:
    await db.execute(Q.bulk.finish, command_id, state)
    await db.execute(Q.bulk.forget_documents, command_id)


async def request_abort(db: Database, command_id: UUID) -> None:
    await db.execute(Q.bulk.request_abort, command_id)


async def drop_old(db: Database, age: float) -> None:
    await db.execute(Q.bulk.drop_old, age)
