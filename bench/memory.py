"""Server memory over a burst of large JSON bodies and listings of them.

Starts a throwaway embedded PostgreSQL and ``docgraph serve``, then reports
the server's resident memory (RSS) before, at the peak of, and after a burst:
``--concurrent`` POSTs of a document whose JSON body is ``--body`` bytes
(just under the server's JSON limit by default), then ``--listings`` pages of
``@children`` holding those documents. The figures that matter: peak over
baseline (what a burst costs) and after over baseline (what is not returned).

    .venv/bin/python bench/memory.py [--body BYTES] [--concurrent N] [--listings N]
                                     [--schemas common]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from contextlib import ExitStack
from pathlib import Path

import aiohttp
import orjson
import psutil
from rest_get import (
    AUTH_HEADER,
    WORKSPACES,
    BenchError,
    start_docgraph,
    with_throwaway_postgres,
)

MIB = 2**20


def big_document(name: str, size: int) -> bytes:
    # Many short values: the shape that costs the most Python objects per byte.
    subjects = [secrets.token_hex(8) for _ in range(size // 20)]
    body = {"entity-type": "document", "type": "Note", "name": name}
    return orjson.dumps({**body, "properties": {"dc:subjects": subjects}})


async def burst(args: argparse.Namespace, base: str, server: psutil.Process) -> None:
    def rss() -> float:
        return float(server.memory_info().rss) / MIB

    headers = {"Authorization": AUTH_HEADER, "Content-Type": "application/json"}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"{base}/path/") as resp:
            await resp.read()
        baseline = rss()
        peak = baseline
        running = True

        async def sample() -> None:
            nonlocal peak
            while running:
                peak = max(peak, rss())
                await asyncio.sleep(0.01)

        async def post(i: int) -> int:
            data = big_document(f"big{i}", args.body)
            async with session.post(f"{base}/path{WORKSPACES}", data=data) as resp:
                await resp.read()
                return resp.status

        async def listing() -> int:
            url = f"{base}/path{WORKSPACES}/@children?pageSize=1000"
            shown = {"X-NXproperties": args.schemas} if args.schemas else {}
            async with session.get(url, headers=shown) as resp:
                return len(await resp.read())

        sampler = asyncio.create_task(sample())
        statuses = await asyncio.gather(*[post(i) for i in range(args.concurrent)])
        if set(statuses) != {201}:
            raise BenchError(f"POST answered {sorted(set(statuses))}")
        await asyncio.sleep(1)
        posts_peak, listed_from = peak, rss()
        peak = listed_from
        sizes = [await listing() for _ in range(args.listings)]
        running = False
        await sampler
        await asyncio.sleep(1)
        after = rss()
    shown = args.schemas or "every schema"
    print(
        f"\n{args.concurrent} POSTs of {args.body / MIB:.2f} MiB, then {args.listings} listings "
        f"of {sizes[0] / MIB:.1f} MiB ({shown})\n"
        f"RSS baseline {baseline:.0f} MiB, peak of the POSTs {posts_peak:.0f} MiB "
        f"(+{posts_peak - baseline:.0f}), peak of the listings {peak:.0f} MiB "
        f"(+{peak - listed_from:.0f} over the {listed_from:.0f} before them), "
        f"after {after:.0f} MiB (+{after - baseline:.0f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--body", type=int, default=950_000, help="JSON body bytes")
    parser.add_argument("--concurrent", type=int, default=6, help="POSTs at once")
    parser.add_argument("--listings", type=int, default=3, help="listings after the POSTs")
    parser.add_argument(
        "--schemas", default="", help="the listings' X-NXproperties (default: every schema)"
    )
    args = parser.parse_args()

    async def run(dsn: str, workdir: Path, stack: ExitStack) -> None:
        # The bodies' subjects are random words, not entries of l10nsubjects.
        os.environ["DOCGRAPH_VALIDATE_VOCABULARIES"] = "false"
        url, server = await start_docgraph(dsn, workdir, stack)
        await burst(args, f"{url}/api/v1", psutil.Process(server.pid))

    return with_throwaway_postgres(run)


if __name__ == "__main__":
    sys.exit(main())
