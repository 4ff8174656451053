"""REST ``@children`` pages written by PostgreSQL against the same pages
written by Python, in one run against one ``docgraph serve`` process.

The server writes every page it can through PostgreSQL here, small ones too
(``DOCGRAPH_REST_PAGES_WRITTEN_FROM=0``): the figures are what sets that
setting's default.

Starts a throwaway embedded PostgreSQL, builds a folder of ``--docs`` Files
with Dublin Core properties through the engine, then for each page size asks
in turn (one request at a time, ``--rounds`` each after a warm-up, medians):

- ``written``: ``X-NXproperties: dublincore``, which PostgreSQL writes
  (gateway/nuxeo/listings.py);
- ``python``: the same with ``fetch-document: none``. Any fetch keeps a page
  on the Python path, and a fetch naming nothing the writers know changes
  nothing else: the two answers are the same JSON (checked).

    .venv/bin/python bench/rest_children.py [--docs N] [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import aiohttp
import orjson
from graphql_nested import build_tree
from rest_get import AUTH_HEADER, progress, start_docgraph, with_throwaway_postgres

PAGE_SIZES = (20, 100, 1000)
VARIANTS = {
    "written": {"X-NXproperties": "dublincore"},
    "python": {"X-NXproperties": "dublincore", "fetch-document": "none"},
}


async def page_once(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str]
) -> tuple[float, bytes]:
    start = time.perf_counter()
    async with session.get(url, headers=headers) as resp:
        body = await resp.read()
    elapsed = time.perf_counter() - start
    if resp.status != 200:
        raise SystemExit(f"@children answered {resp.status}: {body[:300]!r}")
    return elapsed, body


async def run(args: argparse.Namespace, dsn: str, workdir: Path, stack: ExitStack) -> None:
    from docgraph.gateway.cli import prepare
    from docgraph.settings import Settings

    progress("migrating and bootstrapping")
    await prepare(dsn, Settings(plugins=()))
    progress(f"building a folder of {args.docs} documents")
    # One folder holding the documents: the tree's first level, with no second.
    root = await build_tree(dsn, "listing", 1, args.docs)
    os.environ["DOCGRAPH_REST_PAGES_WRITTEN_FROM"] = "0"  # the server inherits it
    base, _server = await start_docgraph(dsn, workdir, stack)
    print(f"\n{args.rounds} requests each, one at a time, medians")
    print(f"{'page':>5} {'written ms':>11} {'python ms':>10} {'ratio':>6}")
    async with aiohttp.ClientSession(headers={"Authorization": AUTH_HEADER}) as session:
        folder_url = f"{base}/api/v1/id/{root}/@children?pageSize=1"
        _, body = await page_once(session, folder_url, VARIANTS["python"])
        folder = orjson.loads(body)["entries"][0]["uid"]
        for size in PAGE_SIZES:
            url = f"{base}/api/v1/id/{folder}/@children?pageSize={size}"
            times: dict[str, list[float]] = {name: [] for name in VARIANTS}
            for round_no in range(args.rounds + 2):
                answers = []
                for name, headers in VARIANTS.items():
                    elapsed, body = await page_once(session, url, headers)
                    answers.append(orjson.loads(body))
                    if round_no >= 2:  # warm-up
                        times[name].append(elapsed)
                if round_no == 0 and answers[0] != answers[1]:
                    raise SystemExit("the written and the Python pages differ")
            written = statistics.median(times["written"])
            python = statistics.median(times["python"])
            print(
                f"{size:>5} {written * 1000:>11.2f} {python * 1000:>10.2f} {written / python:>6.2f}"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=21)
    args = parser.parse_args()
    return with_throwaway_postgres(lambda dsn, workdir, stack: run(args, dsn, workdir, stack))


if __name__ == "__main__":
    sys.exit(main())
