"""A document's history in a large audit log: a page at ten million rows
against the same page when the log is small.

Starts a throwaway embedded PostgreSQL, creates one document (its
``documentCreated`` entry) and logs ``--own`` more entries about it, then
times ``@audit``'s engine call (the first page of 50, newest first, and the
same page filtered by event id) with the log that small, appends
``--rows`` entries about other documents in SQL, and times the same calls
again. The ratio large / small is the figure: an index range read should
keep it near 1.

    .venv/bin/python bench/audit.py [--rows 10000000] [--own 200] [--runs 20]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from keyset import timed
from rest_get import progress, with_throwaway_postgres

WORKSPACES = "/default-domain/workspaces"


async def run(args: argparse.Namespace, dsn: str, workdir: Path, stack: ExitStack) -> None:
    from docgraph.db.pool import Database, create_pool
    from docgraph.gateway.cli import prepare
    from docgraph.plugins import build_registry
    from docgraph.resolvers import audit, documents
    from docgraph.resolvers.audit import Criteria
    from docgraph.resolvers.context import RequestContext
    from docgraph.resolvers.model import PageRequest, PathRef
    from docgraph.resolvers.users import load_principal
    from docgraph.settings import Settings

    progress("migrating and bootstrapping")
    await prepare(dsn, Settings(plugins=()))
    pool = await create_pool(dsn, min_size=1, max_size=2)
    registry, settings = build_registry(), Settings()
    db = Database(pool)
    admin = await load_principal(db, "Administrator")
    assert admin is not None

    def fresh() -> RequestContext:
        return RequestContext(admin, "default", Database(pool), registry, settings)

    ctx = fresh()
    async with ctx.unit_of_work():
        parent = await documents.get(ctx, PathRef(WORKSPACES))
        doc = await documents.create(ctx, parent, type_name="File", name="audited")
        for i in range(args.own):
            await audit.log_event(ctx, doc, f"event{i % 5}", "Bench", None)
    await ctx.close()

    async def first_page(criteria: Criteria) -> None:
        ctx = fresh()
        page = await audit.history(ctx, doc, criteria, PageRequest(0, 50))
        assert page.entries
        await ctx.close()

    def measure() -> dict[str, Callable[[], Awaitable[Any]]]:
        return {
            "first page of 50": lambda: first_page(Criteria()),
            "filtered by event id": lambda: first_page(Criteria(event_ids=["event3"])),
        }

    async def warm_then_time(read: Callable[[], Awaitable[Any]]) -> float:
        await read()  # plan and cache warm
        return await timed(args.runs, read)

    await db.execute("ANALYZE audit_log")
    small = {name: await warm_then_time(read) for name, read in measure().items()}
    progress(f"appending {args.rows:,} entries about other documents")
    await db.execute(
        """INSERT INTO audit_log (event_id, category, principal, doc_path, doc_type, doc_uuid,
                                  repository, event_date)
           SELECT 'documentModified', 'eventDocumentCategory', 'user' || (i % 100),
                  '/default-domain/workspaces/d' || (i % 100000), 'File',
                  md5((i % 1000000)::text)::uuid, 'default',
                  now() - interval '1 second' * ($1 - i)
             FROM generate_series(1, $1) AS i""",
        args.rows,
    )
    await db.execute("ANALYZE audit_log")
    large = {name: await warm_then_time(read) for name, read in measure().items()}
    await pool.close()
    print(f"\na document with {args.own + 1} entries; medians of {args.runs} reads")
    print(f"{'':<24} {'small log':>10} {f'+{args.rows:,} rows':>16} {'ratio':>7}")
    for name in small:
        ratio = large[name] / small[name]
        print(f"{name:<24} {small[name]:8.2f} ms {large[name]:13.2f} ms {ratio:7.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--own", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    return with_throwaway_postgres(lambda dsn, workdir, stack: run(args, dsn, workdir, stack))


if __name__ == "__main__":
    sys.exit(main())
