"""What permissions cost: a listing as a member of many groups against the same
listing as an administrator, and granting a permission over a large subtree.

1. Loads ``--docs`` Files into one workspace (rest_get's loader), gives a third
   of them a local ACL (a grant to one of the member's groups, a denial of
   another user, a blocked inheritance with a grant), and creates a user in
   ``--groups`` groups, nested two levels deep.
2. Measures ``GET /id/{folder}/@children?pageSize=100`` as Administrator
   (no permission filter) and as that user (the read_acl filter in the SQL),
   alternating, ``--rounds`` times; reports the ratio.
3. Inserts ``--subtree`` documents under one folder in SQL, then times
   ``Document.AddPermission`` on that folder through the engine: one ACL write
   and one set-based read_acl recompute of the whole subtree.

    .venv/bin/python bench/acl.py [--docs 1000] [--groups 50] [--subtree 100000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psutil
from rest_get import (
    AUTH_HEADER,
    BENCH_FOLDER,
    USER,
    WORKSPACES,
    load_documents,
    measure,
    progress,
    start_docgraph,
    with_throwaway_postgres,
)

MEMBER = "benchmember"
MEMBER_PASSWORD = "bench-pw"


async def engine_context(dsn: str) -> tuple[Any, Any]:
    from docgraph.db.pool import Database, create_pool
    from docgraph.plugins import build_registry
    from docgraph.resolvers.context import RequestContext
    from docgraph.resolvers.users import load_principal
    from docgraph.settings import Settings

    pool = await create_pool(dsn, min_size=1, max_size=2)
    db = Database(pool)
    principal = await load_principal(db, USER)
    assert principal is not None
    return pool, RequestContext(principal, "default", db, build_registry(), Settings())


async def set_up_member_and_acls(dsn: str, uids: list[str], groups: int) -> None:
    from docgraph.db import security as db_security
    from docgraph.resolvers import acls, documents
    from docgraph.resolvers.model import IdRef
    from docgraph.resolvers.users import hash_password

    pool, ctx = await engine_context(dsn)
    try:
        async with ctx.unit_of_work() as unit:
            db = unit.db
            await db_security.insert_user(db, MEMBER, hash_password(MEMBER_PASSWORD))
            await db_security.insert_user(db, "other", hash_password("other-pw"))
            names = [f"group-{i:02d}" for i in range(groups)]
            for name in names:
                await db_security.insert_group(db, name, name, None)
            # The member is directly in half of them; the rest reach it through nesting.
            half = groups // 2
            for name in names[:half]:
                await db_security.add_membership(db, MEMBER, name)
            for child, parent in zip(names[:half], names[half:], strict=False):
                await db.execute("INSERT INTO group_subgroups VALUES ($1, $2)", parent, child)
            for i, uid in enumerate(uids):
                doc = await documents.get(ctx, IdRef(uid))
                if i % 3 == 0:
                    await acls.add_permission(ctx, doc, [names[i % groups]], "Read")
                elif i % 3 == 1:
                    await acls.set_ace(ctx, doc, "other", "Read", granted=False)
                elif i % 9 == 2:
                    await acls.block_inheritance(ctx, doc)
                    await acls.add_permission(ctx, doc, [names[-1]], "ReadWrite")
            first = await documents.get(ctx, IdRef(uids[0]))
            bench_folder = await documents.parent(ctx, first)
            assert bench_folder is not None
            await acls.add_permission(ctx, bench_folder, ["members", names[0]], "Read")
    finally:
        await pool.close()


async def grant_on_large_subtree(dsn: str, size: int) -> tuple[float, int]:
    """``size`` documents under one folder (inserted in SQL), then one grant."""
    from docgraph.resolvers import acls, documents
    from docgraph.resolvers.model import PathRef

    pool, ctx = await engine_context(dsn)
    try:
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
                          '{}', $3::uuid[], $4::text[]
                     FROM generate_series(1, $5) AS i""",
                top.id,
                top.path,
                [*top.ancestors, top.id],
                list(top.read_acl),
                size,
            )
        async with ctx.unit_of_work():
            started = time.perf_counter()
            await acls.add_permission(ctx, top, ["someone"], "Read")
            seconds = time.perf_counter() - started
        changed = await ctx.database.fetchval(
            "SELECT count(*) FROM documents WHERE 'someone' = ANY(read_acl)"
        )
        async with ctx.unit_of_work():
            target = await documents.create(
                ctx,
                await documents.get(ctx, PathRef(WORKSPACES)),
                type_name="Folder",
                name="elsewhere",
            )
            started = time.perf_counter()
            moved = await documents.move(
                ctx, await documents.get(ctx, PathRef(str(top.path))), target
            )
            move_seconds = time.perf_counter() - started
            started = time.perf_counter()
            await documents.copy(ctx, moved, target, "copy")
            copy_seconds = time.perf_counter() - started
        print(f"move of a folder with {size} descendants: {move_seconds:.2f} s")
        print(f"deep copy of that folder: {copy_seconds:.2f} s")
        return seconds, changed
    finally:
        await ctx.close()
        await pool.close()


async def run(args: argparse.Namespace, dsn: str, workdir: Path, stack: ExitStack) -> None:
    import base64

    from docgraph.gateway.cli import prepare
    from docgraph.settings import Settings

    progress("migrating and bootstrapping")
    await prepare(dsn, Settings(plugins=()))
    progress(f"loading {args.docs} documents")
    uids = await load_documents(dsn, args.docs)
    progress(f"a member of {args.groups} groups, ACLs on a third of the documents")
    await set_up_member_and_acls(dsn, uids, args.groups)
    base, server = await start_docgraph(dsn, workdir, stack)
    process = psutil.Process(server.pid)
    listing = f"{base}/api/v1/path{WORKSPACES}/{BENCH_FOLDER}/@children?pageSize=100"
    member = "Basic " + base64.b64encode(f"{MEMBER}:{MEMBER_PASSWORD}".encode()).decode()
    logins = {"administrator": AUTH_HEADER, "member": member}
    rates: dict[str, list[float]] = {name: [] for name in logins}
    for round_no in range(args.rounds):
        order = list(logins) if round_no % 2 == 0 else list(reversed(logins))
        for name in order:
            result = await measure(
                [listing], args.concurrency, args.duration, process, auth=logins[name]
            )
            rates[name].append(result.rps)
            progress(f"round {round_no + 1} {name:<14} {result.rps:7.1f} req/s")
    admin, member_rate = (statistics.median(rates[n]) for n in ("administrator", "member"))
    print(f"\nlisting 100 of {args.docs} children, {args.rounds} rounds of {args.duration:g} s")
    print(f"administrator {admin:7.1f} req/s")
    cost = admin / member_rate
    print(f"member        {member_rate:7.1f} req/s   cost {cost:.2f}x the administrator's")
    progress(f"inserting {args.subtree} documents under one folder")
    seconds, changed = await grant_on_large_subtree(dsn, args.subtree)
    print(f"grant on a folder of {args.subtree} descendants: {seconds:.2f} s")
    print(f"documents whose read_acl now lists the grantee: {changed}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--subtree", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    return with_throwaway_postgres(lambda dsn, workdir, stack: run(args, dsn, workdir, stack))


if __name__ == "__main__":
    sys.exit(main())
