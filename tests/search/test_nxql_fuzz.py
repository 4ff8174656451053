"""Random and mutated NXQL: the parser and compiler raise nothing but
QueryParseError, and the server never answers 500."""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docgraph.db.nxql.compiler import Compiler
from docgraph.db.nxql.parser import QueryParseError, parse

TOKENS = [
    "SELECT", "*", "FROM", "Document", "File", "Folder", "WHERE", "AND", "OR", "NOT", "(", ")",
    "=", "<>", "!=", "<", ">=", "LIKE", "ILIKE", "IN", "BETWEEN", "IS", "NULL", "STARTSWITH",
    "ORDER", "BY", "ASC", "DESC", "LIMIT", "OFFSET", ",", "DATE", "TIMESTAMP", "NOW",
    "dc:title", "dc:subjects", "dc:subjects/*", "dc:subjects/*1", "dc:created", "ecm:path",
    "ecm:uuid", "ecm:mixinType", "ecm:fulltext", "ecm:fulltext.dc:title", "ecm:isTrashed",
    "ecm:pos", "files:files/*1/file/name", "file:content/length", "uid", "no:such",
    "'x'", "'2019-01-01'", "'a OR'", "'\\'quote'", '"dq"', "0", "1", "-3.5", "1e309", "'-P1D'",
]  # fmt: skip
VALID = [
    "SELECT * FROM Document WHERE dc:title = 'x'",
    "SELECT * FROM File WHERE dc:subjects IN ('a', 'b') ORDER BY dc:title DESC",
    "SELECT * FROM Document WHERE ecm:fulltext = 'a -b' AND dc:created > DATE '2019-01-01'",
    "SELECT * FROM Document WHERE files:files/*1/file/name LIKE '%.pdf'",
]

token_soup = st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25).map(" ".join)
mutated = st.tuples(st.sampled_from(VALID), st.integers(0, 200), st.text(max_size=5)).map(
    lambda t: t[0][: t[1]] + t[2] + t[0][t[1] :]
)
queries = st.one_of(token_soup, mutated, st.text(max_size=80))


def _compile(text: str, registry) -> None:
    try:
        Compiler(registry.types).compile(parse(text))
    except QueryParseError:
        pass


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
def test_parser_and_compiler_raise_only_query_errors(registry, text):
    _compile(text, registry)


async def test_the_server_never_answers_500(client):
    examples: list[str] = []

    @settings(max_examples=150, deadline=None, database=None)
    @given(queries)
    def collect(text: str) -> None:
        examples.append(text)

    collect()
    statuses = await asyncio.gather(
        *[client.get("/nuxeo/api/v1/query", params={"query": q}) for q in examples[:150]]
    )
    failures = [(q, r.status) for q, r in zip(examples, statuses, strict=False) if r.status >= 500]
    assert not failures, failures[:5]
