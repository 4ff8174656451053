"""Nested GraphQL reads against the SQL they need: what the GraphQL layer adds.

Starts a throwaway embedded PostgreSQL and builds two trees through the engine:

- ``nested``: a folder with 100 sub-folders of 10 Files each (1,101 documents);
- ``large``: a folder with 100 sub-folders of 100 Files each (10,101 documents).

Then, against one ``docgraph serve`` process, one request at a time, it times
the query below for each tree (``--rounds`` requests after a warm-up, medians):

    document(id:) { uid title children(pageSize: N) { entries {
        uid title properties(schemas: ["dublincore"])
        children(pageSize: M) { entries { uid title properties(schemas: ["dublincore"]) } } } } }

That selection compiles into one SQL statement that writes the JSON
(schema/compiled.py). The same query with a fragment on the concrete File
type (``resolved``) does not compile: its fields are resolved in Python, level by
level, as any selection the SQL cannot write is.

The baseline, measured in the same run: the two set-based SELECTs that fetch
the same rows (the folder's children, then all of their children at once)
plus ``orjson.dumps`` of those rows, from this process over asyncpg. The ratio
GraphQL/baseline is what the GraphQL layer, HTTP and rendering cost on top of
reading the data.

    .venv/bin/python bench/graphql_nested.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import orjson
from rest_get import AUTH_HEADER, USER, progress, start_docgraph, with_throwaway_postgres

QUERY = """query($id: ID!, $outer: Int!, $inner: Int!) {
  document(id: $id) { uid title children(pageSize: $outer) { entries {
    uid title properties(schemas: ["dublincore"])
    children(pageSize: $inner) { entries { uid title properties(schemas: ["dublincore"]) } }
  } } }
}"""

# A fragment on a concrete type keeps the selection from compiling; it asks
# for a field already selected, so the data are the same.
RESOLVED = QUERY.replace(
    'entries { uid title properties(schemas: ["dublincore"]) } }',
    'entries { uid title ... on File { uid } properties(schemas: ["dublincore"]) } }',
)
assert RESOLVED != QUERY
VARIANTS = {"compiled": QUERY, "resolved": RESOLVED}
SHAPES = {"nested": (100, 10), "large": (100, 100)}


async def build_tree(dsn: str, name: str, outer: int, inner: int) -> str:
    """The tree under /default-domain/workspaces/<name>, in one unit of work; its root's uid."""
    from docgraph.db.pool import Database, create_pool
    from docgraph.plugins import build_registry
    from docgraph.resolvers import documents
    from docgraph.resolvers.context import RequestContext
    from docgraph.resolvers.model import PathRef
    from docgraph.resolvers.users import load_principal
    from docgraph.settings import Settings

    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        db = Database(pool)
        principal = await load_principal(db, USER)
        assert principal is not None
        ctx = RequestContext(principal, "default", db, build_registry(), Settings())
        async with ctx.unit_of_work():
            workspaces = await documents.get(ctx, PathRef("/default-domain/workspaces"))
            root = await documents.create(
                ctx, workspaces, type_name="Folder", name=name, properties={"dc:title": name}
            )
            for i in range(outer):
                folder = await documents.create(
                    ctx,
                    root,
                    type_name="Folder",
                    name=f"folder-{i:03d}",
                    properties={"dc:title": f"Folder {i}", "dc:description": "A sub-folder"},
                )
                for j in range(inner):
                    await documents.create(
                        ctx,
                        folder,
                        type_name="File",
                        name=f"file-{j:03d}",
                        properties={
                            "dc:title": f"File {i}.{j}",
                            "dc:description": f"Document {j} of folder {i}",
                            "dc:subjects": ["art", "sciences"],
                        },
                    )
        return root.uid
    finally:
        await pool.close()


async def sql_baseline(conn: asyncpg.Connection, root: str, outer: int, inner: int) -> float:
    """Seconds for the two SELECTs and the JSON of their rows."""
    start = time.perf_counter()
    children = await conn.fetch(
        "SELECT * FROM documents WHERE parent_id = $1 ORDER BY name LIMIT $2", root, outer
    )
    grandchildren = await conn.fetch(
        "SELECT * FROM (SELECT d.*, row_number() OVER (PARTITION BY parent_id ORDER BY name) AS n"
        " FROM documents d WHERE parent_id = ANY($1::uuid[])) t WHERE n <= $2",
        [row["id"] for row in children],
        inner,
    )
    orjson.dumps([_row(r) for r in children] + [_row(r) for r in grandchildren], default=str)
    return time.perf_counter() - start


def _row(record: asyncpg.Record) -> dict[str, Any]:
    row = dict(record)
    row["properties"] = orjson.loads(row["properties"])
    return row


async def graphql_once(
    session: aiohttp.ClientSession, endpoint: str, query: str, root: str, outer: int, inner: int
) -> tuple[float, int, Any]:
    body = orjson.dumps({"query": query, "variables": {"id": root, "outer": outer, "inner": inner}})
    start = time.perf_counter()
    async with session.post(
        endpoint, data=body, headers={"Content-Type": "application/json"}
    ) as resp:
        payload = await resp.read()
    elapsed = time.perf_counter() - start
    answer = orjson.loads(payload)
    if resp.status != 200 or answer.get("errors"):
        raise SystemExit(f"GraphQL answered {resp.status}: {payload[:300]!r}")
    entries = answer["data"]["document"]["children"]["entries"]
    count = 1 + len(entries) + sum(len(e["children"]["entries"]) for e in entries)
    return elapsed, count, answer["data"]


async def run(args: argparse.Namespace, dsn: str, workdir: Path, stack: ExitStack) -> None:
    from docgraph.gateway.cli import prepare
    from docgraph.settings import Settings

    progress("migrating and bootstrapping")
    await prepare(dsn, Settings(plugins=()))
    roots = {}
    for name, (outer, inner) in SHAPES.items():
        progress(f"building {name}: {outer} folders of {inner} documents")
        roots[name] = await build_tree(dsn, name, outer, inner)
    base, _server = await start_docgraph(dsn, workdir, stack)
    conn = await asyncpg.connect(dsn)
    print(f"\n{args.rounds} requests each, one at a time, medians")
    print(f"{'tree':<8} {'docs':>6} {'query':<9} {'GraphQL ms':>11} {'SQL ms':>8} {'ratio':>6}")
    try:
        async with aiohttp.ClientSession(headers={"Authorization": AUTH_HEADER}) as session:
            for name, (outer, inner) in SHAPES.items():
                times: dict[str, list[float]] = {variant: [] for variant in VARIANTS}
                sql_times = []
                count = 0
                for round_no in range(args.rounds + 2):
                    answers = []
                    for variant, query in VARIANTS.items():
                        elapsed, count, data = await graphql_once(
                            session, f"{base}/graphql", query, roots[name], outer, inner
                        )
                        answers.append(data)
                        if round_no >= 2:  # warm-up
                            times[variant].append(elapsed)
                    if round_no == 0 and answers[0] != answers[1]:
                        raise SystemExit("the compiled and resolved answers differ")
                    sql = await sql_baseline(conn, roots[name], outer, inner)
                    if round_no >= 2:
                        sql_times.append(sql)
                s = statistics.median(sql_times)
                for variant, found in times.items():
                    g = statistics.median(found)
                    print(
                        f"{name:<8} {count:>6} {variant:<9} {g * 1000:>11.1f} {s * 1000:>8.1f}"
                        f" {g / s:>6.1f}"
                    )
    finally:
        await conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    return with_throwaway_postgres(lambda dsn, workdir, stack: run(args, dsn, workdir, stack))


if __name__ == "__main__":
    sys.exit(main())
