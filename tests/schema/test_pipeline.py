"""The GraphQL request path: its caches, its short cut for plain fields, and
GraphQL over HTTP's status codes."""

from __future__ import annotations

import dataclasses

import graphql
import pytest
import strawberry
from graphql import execute, parse

from docgraph.schema import build_schema, pipeline
from docgraph.schema.executor import executor_for, plain_fields
from docgraph.schema.limits import Limits
from docgraph.schema.pipeline import Pipeline

GRAPHQL = "/nuxeo/graphql"


@pytest.fixture(scope="module")
def graphql_schema():
    return build_schema()._schema


def test_a_query_shape_is_validated_once(graphql_schema, monkeypatch):
    calls = []
    real = pipeline.validate
    monkeypatch.setattr(pipeline, "validate", lambda *a: calls.append(1) or real(*a))
    runner = Pipeline(graphql_schema, Limits())
    first = runner.prepare('{ document(id: "a") { uid title } }')
    other_id = runner.prepare('{ document(id: "another-id") { uid title } }')
    assert first.document is not None and other_id.document is not None
    assert len(calls) == 1
    # The literal is the new query's own, not the cached one's.
    assert "another-id" in other_id.document.loc.source.body
    # Another selection, or another number, is another shape.
    runner.prepare('{ document(id: "a") { uid } }')
    runner.prepare('{ document(id: "a") { children(pageSize: 3) { totalSize } } }')
    runner.prepare('{ document(id: "a") { children(pageSize: 4) { totalSize } } }')
    assert len(calls) == 4


def test_failures_are_not_shared_between_texts(graphql_schema):
    runner = Pipeline(graphql_schema, Limits())
    short = runner.prepare('{ document(id: "a") { nope } }')
    long = runner.prepare('{ document(id: "a-much-longer-id") { nope } }')
    assert short.document is None and long.document is None
    # Each error locates the field in its own text.
    assert short.errors[0].locations[0].column == 23
    assert long.errors[0].locations[0].column == 38


def test_a_scalar_that_reads_its_literals_turns_shape_sharing_off():
    schema = graphql.build_schema("scalar Digits type Query { echo(value: Digits): String }")
    assert not Pipeline(schema, Limits()).share_shapes


@strawberry.type
class Item:
    name: str
    label: str | None
    count: int | None
    ratio: float | None
    must: str
    tags: list[str]


@strawberry.type
class Items:
    @strawberry.field
    def items(self) -> list[Item | None]:
        return [
            Item(name="a", label=None, count=2**40, ratio=float("nan"), must="x", tags=["t"]),
            Item(name="b", label="B", count=3, ratio=0.5, must=None, tags=[]),  # type: ignore[arg-type]
            Item(name="c", label="C", count=4, ratio=1.0, must="y", tags=["u", 3]),  # type: ignore[list-item]
        ]


def test_plain_fields_answer_what_graphql_core_answers():
    schema = strawberry.Schema(query=Items)._schema
    plain = {name for _, name in plain_fields(schema)}
    assert plain == {"name", "label", "count", "ratio", "must", "tags"}
    document = parse("{ items { name label count ratio must tags } }")
    expected = execute(schema, document)
    got = execute(schema, document, executor_class=executor_for(plain_fields(schema)))
    assert got.data == expected.data
    assert [e.formatted for e in got.errors] == [e.formatted for e in expected.errors]
    assert len(got.errors) == 3  # a 41-bit Int, a NaN Float, a null non-null String


async def test_get_runs_queries_and_refuses_mutations(client):
    resp = await client.get(GRAPHQL, params={"query": '{ document(path: "/") { path } }'})
    assert resp.status == 200
    assert (await resp.json())["data"]["document"]["path"] == "/"
    resp = await client.get(
        GRAPHQL,
        params={"query": 'mutation { deleteDocument(id: "x") }'},
    )
    assert resp.status == 405
    assert (await resp.json())["errors"][0]["extensions"]["code"] == "operation_not_allowed"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "bad_request"),
        (b"[1, 2]", "application/json", 400, "bad_request"),
        (b'{"query": 3}', "application/json", 400, "bad_request"),
        (b'{"query": "{ __typename }", "variables": [1]}', "application/json", 400, "bad_request"),
        (
            b'{"query": "{ __typename }", "operationName": 1}',
            "application/json",
            400,
            "bad_request",
        ),
        (b"query=%7B__typename%7D", "application/x-www-form-urlencoded", 415, "unsupported_media"),
    ],
)
async def test_malformed_requests_get_graphql_errors(client, body, content_type, status, code):
    resp = await client.post(GRAPHQL, data=body, headers={"Content-Type": content_type})
    assert resp.status == status
    answer = await resp.json()
    assert answer["data"] is None and answer["errors"][0]["extensions"]["code"] == code


async def test_other_methods_are_405(client):
    resp = await client.put(GRAPHQL, json={"query": "{ __typename }"})
    assert resp.status == 405 and "POST" in resp.headers["Allow"]


@pytest.fixture
def no_introspection(base_settings):
    return dataclasses.replace(base_settings, graphql_introspection=False)


async def test_introspection_can_be_turned_off(aiohttp_client, database_url, no_introspection):
    from docgraph.gateway.app import create_app

    from ..conftest import ADMIN_AUTH

    app = create_app(no_introspection, database_url)
    client = await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})
    resp = await client.post(GRAPHQL, json={"query": "{ __schema { types { name } } }"})
    answer = await resp.json()
    assert answer["errors"][0]["extensions"]["code"] == "invalid_query"
    assert "introspection" in answer["errors"][0]["message"]
    ok = await client.post(GRAPHQL, json={"query": "{ __typename }"})
    assert (await ok.json())["data"] == {"__typename": "Query"}
