"""Workflow instance and task rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import load

Q = load(Path(__file__).with_name("queries")).workflows


async def insert_instance(
    db: Database,
    id: UUID,
    repository: str,
    model: str,
    initiator: str,
    document_ids: Sequence[UUID],
    variables: dict[str, Any],
) -> Record:
    row = await db.fetchrow(
        Q.insert_instance, id, repository, model, initiator, list(document_ids), variables
    )
    assert row is not None
    return row


async def instance(db: Database, id: UUID, *, for_update: bool = False) -> Record | None:
    return await db.fetchrow(Q.instance_for_update if for_update else Q.instance, id)


async def instances(db: Database, ids: Sequence[UUID]) -> list[Record]:
    return await db.fetch(Q.instances, list(ids))


async def update_instance(
    db: Database, id: UUID, state: str, variables: dict[str, Any], node_variables: dict[str, Any]
) -> Record:
    row = await db.fetchrow(Q.update_instance, id, state, variables, node_variables)
    assert row is not None
    return row


async def delete_instance(db: Database, id: UUID) -> None:
    await db.execute(Q.delete_instance, id)


async def running(
    db: Database,
    *,
    initiator: str | None,
    model: str | None,
    document: UUID | None,
    limit: int,
) -> list[Record]:
    return await db.fetch(Q.running, initiator, model, document, limit)


async def running_on_documents(db: Database, documents: Sequence[UUID], limit: int) -> list[Record]:
    """Rows of running instances, each with the ``doc_key`` it is listed for."""
    return await db.fetch(Q.running_on_documents, list(documents), limit)


async def insert_task(
    db: Database,
    id: UUID,
    instance_id: UUID,
    node_id: str,
    actors: Sequence[str],
    variables: dict[str, Any],
    due_date: datetime,
) -> Record:
    row = await db.fetchrow(
        Q.insert_task, id, instance_id, node_id, list(actors), variables, due_date
    )
    assert row is not None
    return row


async def task(db: Database, id: UUID, *, for_update: bool = False) -> Record | None:
    return await db.fetchrow(Q.task_for_update if for_update else Q.task, id)


async def end_task(
    db: Database,
    id: UUID,
    state: str,
    button: str | None,
    ended_by: str,
    variables: dict[str, Any],
    comments: list[dict[str, Any]],
) -> Record:
    row = await db.fetchrow(Q.end_task, id, state, button, ended_by, variables, comments)
    assert row is not None
    return row


async def update_task_actors(
    db: Database,
    id: UUID,
    actors: Sequence[str],
    delegated: Sequence[str],
    comments: list[dict[str, Any]],
) -> Record:
    row = await db.fetchrow(Q.update_task_actors, id, list(actors), list(delegated), comments)
    assert row is not None
    return row


async def open_tasks_of_node(db: Database, instance_id: UUID, node_id: str) -> list[Record]:
    return await db.fetch(Q.open_tasks_of_node, instance_id, node_id)


async def cancel_open_tasks(db: Database, instance_id: UUID) -> None:
    await db.execute(Q.cancel_open_tasks, instance_id)


async def open_tasks(
    db: Database,
    *,
    actors: Sequence[str] | None,
    instance_id: UUID | None,
    model: str | None,
    document: UUID | None,
    limit: int,
) -> list[Record]:
    return await db.fetch(
        Q.open_tasks,
        None if actors is None else list(actors),
        instance_id,
        model,
        document,
        limit,
    )


async def open_tasks_on_documents(
    db: Database, actors: Sequence[str], documents: Sequence[UUID], limit: int
) -> list[Record]:
    """Rows of open tasks, each with the ``doc_key`` it is listed for."""
    return await db.fetch(Q.open_tasks_on_documents, list(actors), list(documents), limit)


async def overdue_tasks(
    db: Database, nodes: Sequence[tuple[str, str]], now: datetime, limit: int
) -> list[Record]:
    """Open tasks due before ``now`` on one of ``nodes`` ((model, node id)),
    the most overdue first: their id and their instance's repository."""
    models, node_ids = [m for m, _ in nodes], [n for _, n in nodes]
    return await db.fetch(Q.overdue_tasks, models, node_ids, now, limit)
