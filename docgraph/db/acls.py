"""ACL rows and the read_acl column derived from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


@dataclass(frozen=True, slots=True)
class BrowseFilter:
    """What a listing's SQL matches read_acl against for one user: its
    principals that some ACE names, and '-name' for those some ACE denies
    (the others cannot appear in any read_acl, so they cost nothing)."""

    names: tuple[str, ...]
    denied: tuple[str, ...]


def browse_condition(
    browse: BrowseFilter, bind: Callable[[Any, str], str], alias: str = "d"
) -> str:
    """The SQL condition a row of ``alias`` meets when the user may browse it;
    ``bind(value, cast)`` adds a parameter and returns its placeholder."""
    names = bind(list(browse.names), "::text[]")
    denied = bind(list(browse.denied), "::text[]")
    return (
        f"{alias}.read_acl && {names} AND (NOT {alias}.read_acl && {denied}"
        f" OR may_browse({alias}.read_acl, {names}, {denied}))"
    )


async def browse_filter(db: Database, names: Sequence[str]) -> BrowseFilter:
    rows = await db.fetch(Q.acls.principals_in_acls, list(names))
    return BrowseFilter(
        tuple(r["principal"] for r in rows),
        tuple(f"-{r['principal']}" for r in rows if r["denies"]),
    )


# (principal, permission, granted, creator, begin, end)
AceRow = tuple[str, str, bool, str | None, datetime | None, datetime | None]


async def aces_of_documents(db: Database, ids: Sequence[UUID]) -> list[Record]:
    """Every ACE of the documents, each document's ACLs in ACP order."""
    return await db.fetch(Q.acls.aces_of_documents, list(ids))


async def replace_acl(db: Database, doc_id: UUID, name: str, aces: Sequence[AceRow]) -> None:
    """The ACL ``name`` of the document becomes ``aces``; an ACL keeps its
    place in the ACP, a new one goes last (``local`` always first)."""
    order = await db.fetchval(Q.acls.acl_order, doc_id, name)
    if order is None:
        order = 0 if name == "local" else await db.fetchval(Q.acls.next_acl_order, doc_id)
    await db.execute(Q.acls.delete_acl, doc_id, name)
    if aces:
        columns = list(zip(*aces, strict=True))
        await db.execute(Q.acls.insert_acl, doc_id, name, order, *map(list, columns))


async def recompute_read_acl(db: Database, root_id: UUID, browse_holders: Sequence[str]) -> int:
    """Recompute read_acl over the subtree of ``root_id`` in one statement;
    the number of documents whose list changed."""
    status = await db.execute(Q.acls.recompute_read_acl, root_id, list(browse_holders))
    return int(status.rsplit(" ", 1)[-1])


async def timed_aces_crossed(db: Database, since: datetime, until: datetime) -> list[UUID]:
    """Documents with an ACE that began or ended in (since, until]."""
    rows = await db.fetch(Q.acls.timed_aces_crossed, since, until)
    return [row["document_id"] for row in rows]
