"""Document rows: reads, page queries and writes. Tables, not permissions:
callers pass the permission filter that goes into the SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def by_ids(db: Database, ids: Sequence[UUID]) -> list[Record]:
    return await db.fetch(Q.documents.by_ids, list(ids))


async def by_paths(db: Database, repository: str, paths: Sequence[str]) -> list[Record]:
    return await db.fetch(Q.documents.by_paths, repository, list(paths))


async def lock_for_update(db: Database, doc_id: UUID) -> Record | None:
    return await db.fetchrow(Q.documents.by_id_for_update, doc_id)


# Sort slots of the listing queries.
MAX_SORT_KEYS = 3


async def lock_rows(db: Database, ids: Sequence[UUID]) -> None:
    """``FOR UPDATE`` locks on the rows, taken in the order of ``ids``."""
    await db.execute(Q.documents.lock_rows, list(ids))


@dataclass(frozen=True, slots=True)
class Projection:
    """The properties a listing reads: the keys whose prefix is one of
    ``prefixes``, plus ``keys`` (project_properties, migration 0022)."""

    prefixes: tuple[str, ...]
    keys: tuple[str, ...]


# The columns Document.from_record reads; a projected listing names them
# instead of d.*, with its properties narrowed.
_COLUMNS = (
    "id repository parent_id name path type mixins lifecycle_state properties is_version"
    " version_series_id major_version minor_version is_checked_out proxy_target_id"
    " is_trashed lock_owner lock_created created modified system_change user_change"
    " ancestors read_acl position"
).split()


def projected(sql: str, projection: Projection | None, args: list[Any]) -> str:
    """``sql`` with its one ``SELECT d.*`` reading only ``projection``'s
    properties (their two parameters appended to ``args``)."""
    if projection is None:
        return sql
    assert sql.count("SELECT d.*") == 1
    args.extend([list(projection.prefixes), list(projection.keys)])
    narrowed = (
        f"project_properties(d.properties, ${len(args) - 1}::text[], ${len(args)}::text[])"
        " AS properties"
    )
    columns = ", ".join(narrowed if c == "properties" else f"d.{c}" for c in _COLUMNS)
    return sql.replace("SELECT d.*", f"SELECT {columns}")


# The total of a result larger than its count limit (Nuxeo's -2).
TRUNCATED = -2


def bounded(counted: int, count_limit: int) -> int:
    """A total counted up to ``count_limit + 1``, as reported."""
    return int(counted) if counted <= count_limit else TRUNCATED


@dataclass(frozen=True, slots=True)
class ChildrenPage:
    total: int
    rows: list[Record]


def _children_query(order: str) -> str:
    template = Q.documents.children_pages
    assert template.count("/*ORDER BY*/") == 2  # the page's ids, then its rows
    return template.replace("/*ORDER BY*/", order)


# The listing statement for each order, built once from static text.
_CHILDREN_BY_TITLE = _children_query(Q.documents.children_order_by_title)
_CHILDREN_BY_POSITION = _children_query(Q.documents.children_order_by_position)
_CHILDREN_BY_KEYS = _children_query(Q.documents.children_order_by_keys)


async def children_pages(
    db: Database,
    parents: Sequence[UUID],
    *,
    ordered: bool,
    readers: Sequence[str] | None,
    hidden_types: Sequence[str],
    limit: int,
    offset: int,
    count_limit: int,
    sort: Sequence[tuple[str, bool]] = (),
    projection: Projection | None = None,
) -> dict[UUID, ChildrenPage]:
    """A page of children for each parent, in one statement: sorted by
    ``sort`` (up to three (system field or property key, ascending)), else
    by position when ``ordered`` (an Orderable folder), else by title;
    ``projection``: only those properties; only children the principals
    ``readers`` may browse (None: no filter). Each total is exact up to
    ``count_limit``, ``TRUNCATED`` beyond."""
    if len(sort) > MAX_SORT_KEYS:
        raise ValueError(f"at most {MAX_SORT_KEYS} sort keys")
    args: list[Any] = [
        list(parents),
        [ordered] * len(parents),
        None if readers is None else list(readers),
        list(hidden_types),
        limit,
        offset,
        count_limit + 1,
    ]
    if sort:
        slots = [*sort, *[(None, True)] * (MAX_SORT_KEYS - len(sort))]
        query = _CHILDREN_BY_KEYS
        args.extend(value for slot in slots for value in slot)
    else:
        query = _CHILDREN_BY_POSITION if ordered else _CHILDREN_BY_TITLE
    records = await db.fetch(projected(query, projection, args), *args)
    pages: dict[UUID, ChildrenPage] = {}
    for record in records:
        key = record["parent_key"]
        if key not in pages:
            pages[key] = ChildrenPage(bounded(record["total"], count_limit), [])
        page = pages[key]
        if record["id"] is not None:
            page.rows.append(record)
    return pages


@dataclass(frozen=True, slots=True)
class After:
    """Where a keyset page starts. Forward: at the beginning (``start``),
    after a titled child (``title``: its title prefix and name), after an
    untitled one (``untitled``: its name; untitled children sort last), or
    after a position (``position``, in an Orderable folder). ``backward``:
    the same places, read towards the beginning (``start`` is then the end;
    ``titled`` is every titled child, from the last)."""

    kind: str = "start"
    title: str | None = None
    name: str | None = None
    position: int | None = None
    backward: bool = False


def _keyset_query(after: str, order: str) -> str:
    template = Q.documents.children_after
    assert template.count("/*AFTER*/") == 1 and template.count("/*ORDER BY*/") == 1
    return template.replace("/*AFTER*/", after).replace("/*ORDER BY*/", order)


_BY_TITLE, _BY_POSITION = (
    Q.documents.children_order_by_title,
    Q.documents.children_order_by_position,
)
_BY_TITLE_DESC = Q.documents.children_order_by_title_desc
_BY_POSITION_DESC = Q.documents.children_order_by_position_desc
# (kind, ordered folder, backward) -> statement
_KEYSET = {
    ("start", False, False): _keyset_query(Q.documents.after_nothing, _BY_TITLE),
    ("title", False, False): _keyset_query(Q.documents.after_title, _BY_TITLE),
    ("untitled", False, False): _keyset_query(Q.documents.after_untitled, _BY_TITLE),
    ("start", True, False): _keyset_query(Q.documents.after_nothing, _BY_POSITION),
    ("position", True, False): _keyset_query(Q.documents.after_position, _BY_POSITION),
    ("start", False, True): _keyset_query(Q.documents.after_nothing, _BY_TITLE_DESC),
    ("title", False, True): _keyset_query(Q.documents.before_title, _BY_TITLE_DESC),
    ("untitled", False, True): _keyset_query(Q.documents.before_untitled, _BY_TITLE_DESC),
    ("titled", False, True): _keyset_query(Q.documents.before_untitled_all, _BY_TITLE_DESC),
    ("start", True, True): _keyset_query(Q.documents.after_nothing, _BY_POSITION_DESC),
    ("position", True, True): _keyset_query(Q.documents.before_position, _BY_POSITION_DESC),
}


async def children_after(
    db: Database,
    parents: Sequence[tuple[UUID, After]],
    *,
    ordered: bool,
    readers: Sequence[str] | None,
    hidden_types: Sequence[str],
    limit: int,
) -> dict[UUID, list[Record]]:
    """Up to ``limit`` children of each parent after its cursor (before it,
    nearest first, for a backward one), one statement per kind of cursor in
    the batch (in practice one)."""
    by_kind: dict[tuple[str, bool], list[tuple[UUID, After]]] = {}
    for parent, after in parents:
        by_kind.setdefault((after.kind, after.backward), []).append((parent, after))
    rows: dict[UUID, list[Record]] = {parent: [] for parent, _ in parents}
    for (kind, backward), group in by_kind.items():
        query = _KEYSET.get((kind, ordered, backward))
        if query is None:
            raise ValueError(f"a {kind} cursor does not apply to this folder's order")
        records = await db.fetch(
            query,
            [parent for parent, _ in group],
            None if readers is None else list(readers),
            list(hidden_types),
            limit,
            [after.title for _, after in group],
            [after.name for _, after in group],
            [after.position for _, after in group],
        )
        for record in records:
            rows[record["parent_key"]].append(record)
    return rows


async def insert(
    db: Database,
    *,
    id: UUID,
    repository: str,
    parent_id: UUID | None,
    name: str,
    path: str,
    type: str,
    lifecycle_state: str | None,
    properties: dict[str, Any],
    ancestors: Sequence[UUID],
    read_acl: Sequence[str],
    now: datetime,
) -> Record | None:
    """Insert a document; ``None`` when a sibling already has ``name``."""
    return await db.fetchrow(
        Q.documents.insert,
        id,
        repository,
        parent_id,
        name,
        path,
        type,
        lifecycle_state,
        properties,
        list(ancestors),
        list(read_acl),
        now,
    )


async def update_properties(
    db: Database,
    doc_id: UUID,
    properties: dict[str, Any],
    *,
    now: datetime,
    user_change: bool,
) -> Record | None:
    return await db.fetchrow(
        Q.documents.update_properties, doc_id, properties, now, 1 if user_change else 0
    )


async def set_lock(db: Database, doc_id: UUID, owner: str | None, now: datetime) -> Record | None:
    """Lock for ``owner``, or unlock with None."""
    return await db.fetchrow(Q.documents.set_lock, doc_id, owner, now)


async def rename_subtree(
    db: Database, doc_id: UUID, name: str, new_path: str, old_path: str, trashed: bool
) -> list[Record]:
    """Rename a document, move its subtree's paths, set their trashed flag."""
    return await db.fetch(Q.documents.rename_subtree, doc_id, name, new_path, old_path, trashed)


async def child_named(db: Database, parent_id: UUID, name: str) -> bool:
    return await db.fetchval(Q.documents.child_named, parent_id, name) is not None


async def set_lifecycle_state(db: Database, doc_id: UUID, state: str) -> Record | None:
    return await db.fetchrow(Q.documents.set_lifecycle_state, doc_id, state)


async def trashed_children(db: Database, parent_id: UUID) -> list[Record]:
    return await db.fetch(Q.documents.trashed_children, parent_id)


async def delete_subtree(db: Database, doc_id: UUID) -> int:
    status = await db.execute(Q.documents.delete_subtree, doc_id)
    return int(status.split()[-1])


async def parents_with_children(
    db: Database,
    ids: Sequence[UUID],
    *,
    hidden_types: Sequence[str],
    readers: Sequence[str] | None,
    types: Sequence[str] | None = None,
) -> set[UUID]:
    """Those of ``ids`` with a listable child the principals ``readers`` may
    browse (None: no filter), of ``types`` if given, in one statement."""
    rows = await db.fetch(
        Q.documents.parents_with_children,
        list(ids),
        list(hidden_types),
        None if readers is None else list(readers),
        None if types is None else list(types),
    )
    return {row["id"] for row in rows}


async def move_subtree(
    db: Database,
    doc_id: UUID,
    parent_id: UUID,
    name: str,
    new_path: str,
    old_path: str,
    ancestors: Sequence[UUID],
) -> int:
    """Move a document and its subtree (paths and ancestors); rows updated."""
    status = await db.execute(
        Q.documents.move_subtree, doc_id, parent_id, name, new_path, old_path, list(ancestors)
    )
    return int(status.rsplit(" ", 1)[-1])


async def longest_path_below(db: Database, doc_id: UUID) -> int:
    return int(await db.fetchval(Q.documents.longest_path_below, doc_id) or 0)


async def sibling_named(db: Database, parent_id: UUID, name: str) -> bool:
    return await db.fetchval(Q.documents.sibling_named, parent_id, name) is not None


async def copy_subtree(
    db: Database,
    doc_id: UUID,
    parent_id: UUID,
    name: str,
    new_path: str,
    old_path: str,
    ancestors: Sequence[UUID],
) -> UUID:
    """A deep copy of a document and its subtree (new ids, local ACLs
    copied); the copy's id."""
    copy_id: UUID = await db.fetchval(
        Q.documents.copy_subtree, doc_id, parent_id, name, new_path, old_path, list(ancestors)
    )
    return copy_id


async def order_before(
    db: Database, doc_id: UUID, before_id: UUID | None, parent_id: UUID
) -> Record | None:
    """Move a document just before a sibling (None: to the end) in its
    parent's order; every later sibling shifts in the same statement."""
    return await db.fetchrow(Q.documents.order_before, doc_id, before_id, parent_id)


async def set_mixins(
    db: Database, doc_id: UUID, mixins: Sequence[str], dropped: Sequence[str] = ()
) -> Record | None:
    """The document's own facets become ``mixins``; the properties ``dropped``
    (of schemas a removed facet brought) go."""
    return await db.fetchrow(Q.documents.set_mixins, doc_id, list(mixins), list(dropped))
