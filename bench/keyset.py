"""Deep pages of a large folder: keyset cursors against offsets.

Starts a throwaway embedded PostgreSQL, puts ``--children`` documents in one
folder (inserted in SQL, titled), then times, through the engine as a member
of ``members`` would read them (the permission filter applies):

- the first page of 50 and the page at ``--depth`` (page 10,000 of 50 = the
  500,000th child by default), by offset (``@children``, ``children``);
- the same two pages through ``childrenConnection``'s keyset cursors (the
  deep one from the cursor of the child just before it);
- the same two pages of an NXQL search, newest first (``ecm:parentId = ...
  ORDER BY dc:modified DESC``), by offset (``/query``, ``search``) and
  through ``searchConnection``'s cursors.

Medians of ``--runs`` reads each. The keyset figures should not depend on
the depth; the offset ones grow with it.

    .venv/bin/python bench/keyset.py [--children N] [--depth PAGE] [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from rest_get import progress, with_throwaway_postgres

WORKSPACES = "/default-domain/workspaces"
PAGE_SIZE = 50


async def timed(runs: int, read: Callable[[], Awaitable[Any]]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await read()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def run(args: argparse.Namespace, dsn: str, workdir: Path, stack: ExitStack) -> None:
    from docgraph.db.pool import Database, create_pool
    from docgraph.db.security import add_membership, insert_user
    from docgraph.gateway.cli import prepare
    from docgraph.plugins import build_registry
    from docgraph.resolvers import documents, keyset, search
    from docgraph.resolvers.context import RequestContext
    from docgraph.resolvers.model import PageRequest, PathRef
    from docgraph.resolvers.users import hash_password, load_principal
    from docgraph.settings import Settings

    progress("migrating and bootstrapping")
    await prepare(dsn, Settings(plugins=()))
    pool = await create_pool(dsn, min_size=1, max_size=2)
    registry, settings = build_registry(), Settings()
    db = Database(pool)
    admin = await load_principal(db, "Administrator")
    assert admin is not None
    ctx = RequestContext(admin, "default", db, registry, settings)
    progress(f"inserting {args.children:,} children")
    async with ctx.unit_of_work():
        top = await documents.create(
            ctx,
            await documents.get(ctx, PathRef(WORKSPACES)),
            type_name="Folder",
            name="large",
        )
        await ctx.work.db.execute(
            """INSERT INTO documents (id, repository, parent_id, name, path, type,
                                      properties, ancestors, read_acl)
               SELECT gen_random_uuid(), 'default', $1, 'n' || i, $2 || '/n' || i, 'Note',
                      jsonb_build_object(
                          'dc:title', 'Title ' || lpad(i::text, 8, '0'),
                          'dc:modified', to_char(timestamptz '2026-01-01' + i * interval '1 s',
                                                 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
                      $3::uuid[], $4::text[]
                 FROM generate_series(1, $5) AS i""",
            top.id,
            top.path,
            [*top.ancestors, top.id],
            list(top.read_acl),
            args.children,
        )
    await ctx.close()
    await insert_user(db, "m", hash_password("m"))
    await add_membership(db, "m", "members")
    await db.execute("ANALYZE documents")
    member = await load_principal(db, "m")
    assert member is not None

    def fresh() -> RequestContext:
        return RequestContext(member, "default", Database(pool), registry, settings)

    folder = await documents.get(fresh(), PathRef(f"{WORKSPACES}/large"))
    deep = args.depth * PAGE_SIZE
    # The cursor of the child just before the deep page, as a client would hold it.
    before = await documents.children(fresh(), folder, PageRequest(0, 1, (), deep - 1))
    cursor = keyset.cursor_of(before.entries[0], ordered=False)

    async def offset(index: int) -> None:
        ctx = fresh()
        page = await documents.children(ctx, folder, PageRequest(index, PAGE_SIZE, ()))
        assert len(page.entries) == PAGE_SIZE
        await ctx.close()

    async def by_cursor(after: str | None) -> None:
        ctx = fresh()
        found = await keyset.children(ctx, folder, PAGE_SIZE, after)
        assert len(found.entries) == PAGE_SIZE
        await ctx.close()

    nxql = f"SELECT * FROM Note WHERE ecm:parentId = '{folder.uid}' ORDER BY dc:modified DESC"
    ctx = fresh()
    before_doc = (await search.query(ctx, nxql, PageRequest(0, 1, (), deep - 1))).entries[0]
    search_cursor = search.cursor_of(search.query_mark(ctx, nxql), before_doc)
    await ctx.close()

    async def search_offset(index: int) -> None:
        ctx = fresh()
        page = await search.query(ctx, nxql, PageRequest(index, PAGE_SIZE, ()))
        assert len(page.entries) == PAGE_SIZE
        await ctx.close()

    async def search_cursor_page(after: str | None) -> None:
        ctx = fresh()
        found = await search.connection(ctx, nxql, count=PAGE_SIZE, cursor=after)
        assert len(found.entries) == PAGE_SIZE
        await ctx.close()

    figures = {
        "offset, first page": await timed(args.runs, lambda: offset(0)),
        f"offset, page {args.depth:,}": await timed(args.runs, lambda: offset(args.depth)),
        "keyset, first page": await timed(args.runs, lambda: by_cursor(None)),
        f"keyset, page {args.depth:,}": await timed(args.runs, lambda: by_cursor(cursor)),
        "search offset, first page": await timed(args.runs, lambda: search_offset(0)),
        f"search offset, page {args.depth:,}": await timed(
            args.runs, lambda: search_offset(args.depth)
        ),
        "search keyset, first page": await timed(args.runs, lambda: search_cursor_page(None)),
        f"search keyset, page {args.depth:,}": await timed(
            args.runs, lambda: search_cursor_page(search_cursor)
        ),
    }
    await pool.close()
    print(f"\n{args.children:,} children, pages of {PAGE_SIZE}, a member reading, medians")
    for name, ms in figures.items():
        print(f"{name:<32} {ms:8.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=600_000)
    parser.add_argument("--depth", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.depth * PAGE_SIZE >= args.children:
        parser.error("--depth pages of 50 must fit in --children")
    return with_throwaway_postgres(lambda dsn, workdir, stack: run(args, dsn, workdir, stack))


if __name__ == "__main__":
    sys.exit(main())
