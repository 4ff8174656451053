"""GraphQL against REST, same server, same run: what the GraphQL door costs.

Starts a throwaway embedded PostgreSQL, loads ``--docs`` documents, starts one
``docgraph serve`` process, then measures in turn (alternating, ``--rounds``
times, medians):

- ``rest``: ``GET /api/v1/id/{uid}`` (the baseline);
- ``typename``: ``{ __typename }`` (the GraphQL door alone);
- ``document``: ``document(id:)`` selecting the fields of the REST JSON, the
  id inline (2,000 documents by default: more distinct texts than the parse
  cache holds, as a repository's ids are);
- ``variables``: the same query with the id as a variable.

Each figure is reported as a ratio of the REST throughput.

    .venv/bin/python bench/graphql_get.py [--duration S] [--concurrency N] [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path

import orjson
import psutil
from rest_get import (
    Target,
    load_documents,
    measure,
    progress,
    start_docgraph,
    with_throwaway_postgres,
)

# The fields of the REST document JSON (properties: every schema).
FIELDS = (
    "uid repository path type state parentRef changeToken isCheckedOut isVersion isProxy "
    "isTrashed title lastModified facets properties"
)


def graphql(url: str, query: str, variables: dict[str, str] | None = None) -> Target:
    return (url, orjson.dumps({"query": query, "variables": variables or {}}))


async def run(args: argparse.Namespace, dsn: str, workdir: Path, stack: ExitStack) -> None:
    from docgraph.gateway.cli import prepare
    from docgraph.settings import Settings

    progress("migrating and bootstrapping")
    await prepare(dsn, Settings(plugins=()))
    progress(f"loading {args.docs} documents")
    uids = await load_documents(dsn, args.docs)
    base, server = await start_docgraph(dsn, workdir, stack)
    endpoint = f"{base}/graphql"
    by_variable = f"query($id: ID!) {{ document(id: $id) {{ {FIELDS} }} }}"
    targets: dict[str, list[Target]] = {
        "rest": [f"{base}/api/v1/id/{uid}" for uid in uids],
        "typename": [graphql(endpoint, "{ __typename }")],
        "document": [
            graphql(endpoint, f'{{ document(id: "{uid}") {{ {FIELDS} }} }}') for uid in uids
        ],
        "variables": [graphql(endpoint, by_variable, {"id": uid}) for uid in uids],
    }
    process = psutil.Process(server.pid)
    rates: dict[str, list[float]] = {name: [] for name in targets}
    for round_no in range(args.rounds):
        order = list(targets) if round_no % 2 == 0 else list(reversed(targets))
        for name in order:
            result = await measure(targets[name], args.concurrency, args.duration, process)
            rates[name].append(result.rps)
            progress(
                f"round {round_no + 1}/{args.rounds} {name:<10} {result.rps:7.0f} req/s  "
                f"p50 {result.percentile(0.5) * 1000:6.2f} ms  "
                f"server {result.server_us_per_request:.0f} us/req"
            )
    rest = statistics.median(rates["rest"])
    print(f"\nconcurrency {args.concurrency}, {args.rounds} run(s) of {args.duration:g} s, medians")
    print(f"{'':<10} {'req/s':>7}   {'of REST':>7}   {'per round':>9}")
    for name, values in rates.items():
        rate = statistics.median(values)
        # Each round's ratio against the REST run of the same round (seconds
        # apart): less exposed to the machine's drift over the whole run.
        paired = statistics.median(v / r for v, r in zip(values, rates["rest"], strict=True))
        print(f"{name:<10} {rate:7.0f}   {rate / rest:7.2f}   {paired:9.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # Many short rounds: this machine's speed drifts over a minute.
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()

    return with_throwaway_postgres(lambda dsn, workdir, stack: run(args, dsn, workdir, stack))


if __name__ == "__main__":
    sys.exit(main())
