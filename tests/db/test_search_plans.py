"""What the planner is given for a search: the subtree's id as a value (not a
subquery it cannot see into), and sort expressions that an index serves."""

from __future__ import annotations

from uuid import UUID

from docgraph.db import documents as db_documents
from docgraph.db import search as db_search
from docgraph.db.nxql.compiler import Compiler, PathAnchor
from docgraph.db.nxql.parser import parse


def _compiled(registry, nxql: str):
    return Compiler(registry.types).compile(parse(nxql))


async def _plan(db, registry, nxql: str, *settings: str) -> str:
    compiled = await db_search.anchored(db, "default", _compiled(registry, nxql))
    statement = db_search.page_statement("default", compiled, browse=None, limit=20, offset=0)
    async with db.pool.acquire() as conn, conn.transaction():
        for setting in settings:
            await conn.execute(setting)
        rows = await conn.fetch(f"EXPLAIN {statement.sql}", *statement.params)
    return "\n".join(r[0] for r in rows)


async def test_a_searched_subtree_is_bound_as_its_id(db, registry):
    nxql = "SELECT * FROM Document WHERE ecm:path STARTSWITH '/default-domain/workspaces/'"
    compiled = _compiled(registry, nxql)
    assert PathAnchor("/default-domain/workspaces") in compiled.params
    anchored = await db_search.anchored(db, "default", compiled)
    workspaces = await db.fetchval(
        "SELECT id FROM documents WHERE path = '/default-domain/workspaces'"
    )
    assert workspaces in anchored.params and isinstance(workspaces, UUID)
    assert not any(isinstance(p, PathAnchor) for p in anchored.params)
    plan = await _plan(db, registry, nxql)
    assert "InitPlan" not in plan and "SubPlan" not in plan, plan


async def test_a_missing_subtree_is_empty(db, registry):
    compiled = _compiled(registry, "SELECT * FROM Document WHERE ecm:path STARTSWITH '/nowhere'")
    rows, total = await db_search.page(
        db, "default", compiled, browse=None, limit=10, offset=0, count_limit=100
    )
    assert (rows, total) == ([], 0)


async def test_title_order_is_read_from_an_index(db, registry):
    # Sorting disabled: only an index whose expression is the compiled sort
    # key can give the order without a Sort node.
    for direction in ("ASC", "DESC"):
        plan = await _plan(
            db,
            registry,
            f"SELECT * FROM Document ORDER BY dc:title {direction}",
            "SET LOCAL enable_sort = off",
            "SET LOCAL enable_seqscan = off",
        )
        assert "documents_title" in plan and "Sort" not in plan, plan


class _Captured:
    """A database that keeps the statement it is given and finds nothing."""

    async def fetch(self, sql, *args):
        self.sql, self.args = sql, args
        return []


async def test_a_page_of_children_is_found_in_the_index_alone(db):
    """The children before a page are counted off in an index holding the
    listing's order and every column its filter reads: no row of theirs is
    read from the table (an Index Only Scan), for either order."""
    parent = await db.fetchval("SELECT id FROM documents WHERE path = '/default-domain'")
    for ordered, index in ((False, "documents_children_by_title"),
                           (True, "documents_children_by_position")):  # fmt: skip
        captured = _Captured()
        await db_documents.children_pages(
            captured, [parent], ordered=ordered, readers=["members", "Everyone"],
            hidden_types=["HiddenFolder"], limit=20, offset=40, count_limit=1000,
        )  # fmt: skip
        async with db.pool.acquire() as conn, conn.transaction():
            for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
                await conn.execute(f"SET LOCAL {setting} = off")
            rows = await conn.fetch(f"EXPLAIN {captured.sql}", *captured.args)
        plan = "\n".join(r[0] for r in rows)
        assert f"Index Only Scan using {index}" in plan, plan
