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
    """What a search's SQL matches a row's read_acl class against for one
    user: the classes whose list lets it browse (0029_read_acl_classes.sql),
    read before the search so that the planner sees them. Listings, whose
    plans start from the parent, work them out inside their own statement
    from the user's principals instead."""

    classes: tuple[int, ...]


def browse_condition(
    browse: BrowseFilter, bind: Callable[[Any, str], str], alias: str = "d"
) -> str:
    """The SQL condition a row of ``alias`` meets when the user may browse it;
    ``bind(value, cast)`` adds a parameter and returns its placeholder."""
    return f"{alias}.read_acl_class = ANY({bind(list(browse.classes), '::integer[]')})"


async def browse_filter(db: Database, names: Sequence[str]) -> BrowseFilter:
    """The filter for a user whose principals are ``names``: one statement."""
    return BrowseFilter(tuple(await db.fetchval(Q.acls.readable_acl_classes, list(names))))


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
