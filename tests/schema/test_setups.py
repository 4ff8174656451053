"""Kept operation setups: the pipeline's executor built without graphql-core's
per-request walk of the document and coercion of String/ID variables, with the
same answers and errors."""

from __future__ import annotations

import pytest
import strawberry
from graphql import execute, parse
from graphql.execution import executor as core_executor

from docgraph.schema.limits import Limits
from docgraph.schema.pipeline import Pipeline


@strawberry.type
class Query:
    @strawberry.field
    def echo(self, text: str | None = None, key: strawberry.ID | None = None) -> str:
        return f"{text!r}/{key!r}"

    @strawberry.field
    def twice(self, n: int = 1) -> int:
        return 2 * n


NON_NULL = "query($t: String!, $k: ID!) { echo(text: $t, key: $k) }"
NULLABLE = "query($t: String, $k: ID) { echo(text: $t, key: $k) }"
DEFAULT = 'query($t: String = "d") { echo(text: $t) }'
TWO = "query A($t: String!) { echo(text: $t) } query B { echo }"
FRAGMENT = "query($t: String!) { ...f } fragment f on Query { echo(text: $t) }"
NUMBER = "query($n: Int!) { twice(n: $n) }"

# (query, variables, operation name, whether the kept setup coerces them)
CASES = [
    (NON_NULL, {"t": "a", "k": "b"}, None, True),
    (NON_NULL, {"t": "", "k": "\u00e9\n\"'"}, None, True),
    (NON_NULL, {"t": "a", "k": 7}, None, False),  # an ID may be sent as a number
    (NON_NULL, {"t": 5, "k": "b"}, None, False),  # not a String: graphql-core's error
    (NON_NULL, {"k": "b"}, None, False),  # a missing non-null variable
    (NON_NULL, {"t": None, "k": "b"}, None, False),
    (NON_NULL, {"t": ["a"], "k": "b"}, None, False),
    (NULLABLE, {}, None, True),
    (NULLABLE, {"t": "a"}, None, True),
    (NULLABLE, {"t": None, "k": None}, None, False),
    (DEFAULT, {}, None, False),
    (DEFAULT, {"t": "x"}, None, False),
    (TWO, {"t": "a"}, "A", True),
    (TWO, {}, "B", True),
    (TWO, {"t": "a"}, None, False),  # which operation? graphql-core says
    (TWO, {}, "C", False),
    (FRAGMENT, {"t": "a"}, None, True),
    (NUMBER, {"n": 3}, None, False),
]


@pytest.mark.parametrize(("query", "variables", "operation", "kept"), CASES)
async def test_a_kept_setup_answers_what_graphql_core_answers(
    query, variables, operation, kept, monkeypatch
):
    schema = strawberry.Schema(query=Query)
    expected = execute(
        schema._schema, parse(query), variable_values=variables, operation_name=operation
    )
    runner = Pipeline(schema, Limits())
    coercions = []
    real = core_executor.get_variable_values
    monkeypatch.setattr(
        core_executor, "get_variable_values", lambda *a, **k: coercions.append(1) or real(*a, **k)
    )
    for _ in range(2):  # the setup is made, then kept
        got = await runner.run(None, query, variables, operation)  # type: ignore[arg-type]
        assert got.data == expected.data
        assert [e.message for e in got.errors or ()] == [e.message for e in expected.errors or ()]
    if kept:
        assert not coercions
    else:  # graphql-core coerced them, or refused the operation first
        assert coercions or got.data is None


async def test_setups_are_kept_only_for_the_operations_a_text_has():
    runner = Pipeline(strawberry.Schema(query=Query), Limits())
    for name in ("A", "B", *(f"unknown{i}" for i in range(50))):
        await runner.run(None, TWO, {"t": "a"}, name)  # type: ignore[arg-type]
    assert set(runner.prepare(TWO).setups) == {"A", "B"}
