"""Search at scale: NXQL over a large repository, as a member and as an administrator.

1. Bulk-loads ``--docs`` Notes in SQL (the full-text trigger included) under
   /default-domain/workspaces/big: ``--folders`` folders, one of them "wide"
   with ``--wide`` children; a tenth of the folders block inheritance and
   grant Read to one of the member's groups; reports documents per second.
2. Creates a member of ``members`` and of 50 groups.
3. Runs each query ``--runs`` times, after one unmeasured run, through the
   engine (compile, SQL, rows to documents) — and default_search with its six
   aggregates (one statement) — as the member and as Administrator and prints
   p50 / p95 in milliseconds, the member/administrator ratio (of the medians,
   and the median of each run's own ratio: the two roles take turns, so a
   pair is measured within milliseconds on this noisy machine), and the
   plan's top nodes (EXPLAIN).

    .venv/bin/python bench/search.py [--docs 1000000] [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from rest_get import progress, with_throwaway_postgres

MEMBER = "benchmember"
SUBJECTS = ["art", "art/architecture", "finance", "sciences/biology", "sports", "travel"]
WORDS = ["alpha", "budget", "coffee", "delta", "engine", "forest", "garden", "harbor"]


async def engine(dsn: str) -> tuple[Any, Any, Any]:
    from docgraph.db.pool import Database, create_pool
    from docgraph.plugins import build_registry
    from docgraph.resolvers.users import load_principal
    from docgraph.settings import Settings

    pool = await create_pool(dsn, min_size=1, max_size=2)
    db = Database(pool)
    registry, settings = build_registry(), Settings()
    return pool, db, (registry, settings, load_principal)


async def load(dsn: str, args: argparse.Namespace) -> dict[str, str]:
    from docgraph.db import security as db_security
    from docgraph.resolvers import acls, documents
    from docgraph.resolvers.context import RequestContext
    from docgraph.resolvers.model import IdRef, PathRef
    from docgraph.resolvers.users import hash_password

    pool, db, (registry, settings, load_principal) = await engine(dsn)
    try:
        admin = await load_principal(db, "Administrator")
        ctx = RequestContext(admin, "default", db, registry, settings)
        async with ctx.unit_of_work() as unit:
            await db_security.insert_user(unit.db, MEMBER, hash_password("bench-pw"))
            groups = [f"group-{i:02d}" for i in range(50)]
            for group in groups:
                await db_security.insert_group(unit.db, group, group, None)
                await db_security.add_membership(unit.db, MEMBER, group)
            await db_security.add_membership(unit.db, MEMBER, "members")
            big = await documents.create(
                ctx,
                await documents.get(ctx, PathRef("/default-domain/workspaces")),
                type_name="Workspace",
                name="big",
            )
            folders = []
            for i in range(args.folders):
                name = "wide" if i == 0 else f"f{i:03d}"
                folders.append(await documents.create(ctx, big, type_name="Folder", name=name))
            for i, folder in enumerate(folders[1:], start=1):
                if i % 10 == 0:
                    await acls.block_inheritance(ctx, folder)
                    await acls.add_permission(ctx, folder, [groups[i % 50]], "Read")
        # Reloaded: blocking inheritance changed their read_acl.
        folders = [await documents.get(ctx, IdRef(str(f.id))) for f in folders]
        started = time.perf_counter()
        per_folder = (args.docs - args.wide) // (len(folders) - 1)
        for index, folder in enumerate(folders):
            count = args.wide if index == 0 else per_folder
            await db.execute(
                """
                INSERT INTO documents (id, repository, parent_id, name, path, type,
                                       lifecycle_state, properties, ancestors, read_acl)
                SELECT gen_random_uuid(), 'default', $1, 'n' || i, $2 || '/n' || i, 'Note',
                       'project',
                       jsonb_build_object(
                           'dc:title', 'Note ' || i,
                           'dc:description',
                           ($5::text[])[1 + i % 8] || ' ' || ($5::text[])[1 + (i / 8) % 8]
                           || ' w' || (i % 997),
                           'dc:subjects', jsonb_build_array(($6::text[])[1 + i % 6]),
                           'dc:modified',
                           to_char(timestamp '2020-01-01' + (i * 97 % 100000) * interval '17 min',
                                   'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                           'dc:creator', 'Administrator'),
                       $3::uuid[], $4::text[]
                  FROM generate_series(1, $7) AS i
                """,
                folder.id,
                folder.path,
                [*folder.ancestors, folder.id],
                list(folder.read_acl),
                WORDS,
                SUBJECTS,
                count,
            )
        seconds = time.perf_counter() - started
        await db.execute("ANALYZE")
        print(f"loaded {args.docs} documents in {seconds:.0f} s: {args.docs / seconds:,.0f} docs/s")
        return {"big": str(big.path), "wide_id": str(folders[0].id)}
    finally:
        await pool.close()


async def measure(dsn: str, paths: dict[str, str], runs: int, whole_plan: str | None) -> None:
    from docgraph.db import search as db_search
    from docgraph.db.nxql.compiler import Compiler
    from docgraph.db.nxql.parser import parse
    from docgraph.resolvers import documents, search
    from docgraph.resolvers.context import RequestContext
    from docgraph.resolvers.model import IdRef, PageRequest
    from docgraph.resolvers.permissions import browse_filter

    pool, db, (registry, settings, load_principal) = await engine(dsn)
    big = paths["big"]
    queries = {
        "subtree+type, newest first": (
            f"SELECT * FROM Note WHERE ecm:path STARTSWITH '{big}' ORDER BY dc:modified DESC"
        ),
        "full-text word in a subtree": (
            f"SELECT * FROM Document WHERE ecm:path STARTSWITH '{big}' AND ecm:fulltext = 'w42'"
        ),
        "dc:subjects contains": "SELECT * FROM Document WHERE dc:subjects = 'sports'",
    }

    async def timed(runs: int, call: Any) -> dict[str, list[float]]:
        """Milliseconds of ``runs`` calls per role, each in a request of its
        own, after one unmeasured call each (plans and caches warm, as on a
        running server). The roles take turns, first one then the other, so
        that both see the same phases of a noisy machine."""
        times: dict[str, list[float]] = {role: [] for role in who}
        for i in range(runs + 1):
            for role in list(who)[:: 1 if i % 2 else -1]:
                ctx = RequestContext(who[role], "default", db, registry, settings)
                started = time.perf_counter()
                await call(ctx)
                if i:
                    times[role].append((time.perf_counter() - started) * 1000)
        return times

    try:
        who = {
            "member": await load_principal(db, MEMBER),
            "admin": await load_principal(db, "Administrator"),
        }
        print(
            f"\n{'query':<34}{'member p50/p95 ms':>20}{'admin p50/p95 ms':>20}"
            f"{'ratio':>7}{'paired':>8}"
        )
        rows: list[tuple[str, dict[str, list[float]]]] = []
        for name, nxql in queries.items():

            async def one(ctx: Any, nxql: str = nxql) -> None:
                await search.query(ctx, nxql, PageRequest(0, 20))

            rows.append((name, await timed(runs, one)))

        async def form(ctx: Any) -> None:
            await search.run_provider(
                ctx, "default_search", [], PageRequest(0, 20), named={"defaults:ecm_path": big}
            )

        rows.append(("default_search, 6 aggregates", await timed(runs, form)))
        wide = paths["wide_id"]
        for label, index in (("@children 10k, first page", 0), ("@children 10k, last page", 499)):

            async def listing(ctx: Any, index: int = index) -> None:
                parent = await documents.get(ctx, IdRef(wide))
                await documents.children(ctx, parent, PageRequest(index, 20))

            rows.append((label, await timed(runs, listing)))
        for name, timings in rows:
            member, admin = timings["member"], timings["admin"]
            ratio = statistics.median(member) / statistics.median(admin)
            paired = statistics.median(m / a for m, a in zip(member, admin, strict=True))
            print(
                f"{name:<34}{_p(member, 50):>9.1f} /{_p(member, 95):>7.1f}"
                f"{_p(admin, 50):>12.1f} /{_p(admin, 95):>7.1f}{ratio:>7.2f}{paired:>8.2f}"
            )
        print("\nplans (member):")
        for name, nxql in queries.items():
            ctx = RequestContext(who["member"], "default", db, registry, settings)
            compiled = await db_search.anchored(
                db, "default", Compiler(registry.types).compile(parse(nxql))
            )
            statement = db_search.page_statement(
                "default", compiled, browse=await browse_filter(ctx), limit=20, offset=0
            )
            plan = await db.fetch(f"EXPLAIN {statement.sql}", *statement.params)
            if whole_plan and whole_plan in name:
                print("\n".join(r[0] for r in plan))
            nodes = [r[0].strip() for r in plan if "->" in r[0] or r is plan[0]][:4]
            print(f"  {name}: " + " | ".join(n.split("  (")[0][:80] for n in nodes))
    finally:
        await pool.close()


def _p(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]


async def run(args: argparse.Namespace, dsn: str, workdir: Path, stack: ExitStack) -> None:
    from docgraph.gateway.cli import prepare
    from docgraph.settings import Settings

    progress("migrating and bootstrapping")
    await prepare(dsn, Settings(plugins=()))
    progress(f"loading {args.docs} documents")
    paths = await load(dsn, args)
    await measure(dsn, paths, args.runs, args.plan)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--folders", type=int, default=101)
    parser.add_argument("--wide", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--plan", help="print the whole plan of the queries with this in their name"
    )
    args = parser.parse_args()
    return with_throwaway_postgres(lambda dsn, workdir, stack: run(args, dsn, workdir, stack))


if __name__ == "__main__":
    sys.exit(main())
