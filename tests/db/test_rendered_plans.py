"""What the planner is given for pages written as JSON (db/rendered.py): each
level of a deep spec once, however often its page fields use its entries."""

from __future__ import annotations

from docgraph.db import rendered

EVERYTHING = tuple(
    (name, rendered.Paging(name))
    for name in ("totalSize", "numberOfPages", "isNextPageAvailable", "currentPageIndex")
)


def chain(depth: int) -> rendered.PageSpec:
    """Pages of children ``depth`` levels deep, each with every paging field."""
    fields: tuple[tuple[str, rendered.DocumentField], ...] = (("uid", rendered.Column("uid")),)
    if depth > 1:
        fields += (("children", rendered.Children(chain(depth - 1))),)
    return rendered.PageSpec(
        (*EVERYTHING, ("entries", rendered.Entries())), rendered.DocumentSpec(fields), 2, 0, 2
    )


async def scans(db, depth: int) -> int:
    """How many scans of ``documents`` the plan of a ``depth``-level spec holds."""
    statement = rendered._Statement(rendered.Listing(None, [], [], 1000))
    text = statement.statement(chain(depth))
    rows = await db.fetch(f"EXPLAIN {text}", [], [], *statement.args)
    return sum(" on documents " in r[0] for r in rows)


async def test_each_level_is_planned_once(db):
    # A level reads its ids (two orders, one of them runs), its rows and its
    # count: a few scans each. When a page's entries were pulled up into
    # each use, every level below was copied again: 3^depth.
    per_level = await scans(db, 1)
    for depth in (2, 4, 6):
        assert await scans(db, depth) == per_level * depth
