"""The GraphQL request path: its caches, its short cut for plain fields, and
GraphQL over HTTP's status codes."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import hashlib
import inspect
from typing import NewType

import orjson
import pytest
import strawberry
from graphql import execute, parse
from strawberry.schema.config import StrawberryConfig

from docgraph.schema import build_schema, pipeline
from docgraph.schema.executor import executor_for, shortcuts
from docgraph.schema.limits import Limits
from docgraph.schema.persisted import load_manifest
from docgraph.schema.pipeline import Pipeline

GRAPHQL = "/nuxeo/graphql"


@pytest.fixture(scope="module")
def graphql_schema():
    return build_schema()


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
    @strawberry.type
    class Query:
        @strawberry.field
        def echo(self, value: Digits) -> str:
            return value

    schema = strawberry.Schema(query=Query, config=StrawberryConfig(scalar_map={Digits: DIGITS}))
    assert not Pipeline(schema, Limits()).share_shapes


Digits = NewType("Digits", str)
DIGITS = strawberry.scalar(
    name="Digits", serialize=str, parse_value=str, parse_literal=lambda node: node.value
)


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


async def test_plain_fields_answer_what_graphql_core_answers():
    schema = strawberry.Schema(query=Items)._schema
    found = shortcuts(schema, strawberry.Info, exception_handlers=False)
    assert {name for _, name in found.plain} == {"name", "label", "count", "ratio", "must", "tags"}
    document = parse("{ items { name label count ratio must tags } }")
    expected = execute(schema, document)
    got = execute(schema, document, executor_class=executor_for(found))
    got = await got if inspect.isawaitable(got) else got
    assert got.data == expected.data
    assert [e.formatted for e in got.errors] == [e.formatted for e in expected.errors]
    assert len(got.errors) == 3  # a 41-bit Int, a NaN Float, a null non-null String


@strawberry.type
class Node:
    name: str

    @strawberry.field
    async def kids(self, info: strawberry.Info, first: int = 2) -> list[Node]:
        info.context["loads"] += 1
        await asyncio.sleep(0)
        return [Node(name=f"{self.name}.{i}") for i in range(first)]

    @strawberry.field
    def label(self, prefix: str = "") -> str:
        return prefix + self.name

    @strawberry.field
    def fragile(self) -> str | None:
        if self.name.endswith(".1.0"):
            raise ValueError(f"cannot read {self.name}")
        return self.name

    @strawberry.field
    def strict(self) -> str:
        return None if self.name == "r.0.1" else self.name  # type: ignore[return-value]


@strawberry.type
class Tree:
    @strawberry.field
    def root(self) -> Node:
        return Node(name="r")


BATCH_QUERIES = [
    "query($n: Int!) { root { name kids(first: $n) { ...k } } } "
    'fragment k on Node { __typename n: name label(prefix: "> ") kids { name fragile } }',
    "{ root { kids(first: 3) { kids { name strict } } } }",
    "{ root { kids { name kids { ... on Node { label } } } } }",
]


@pytest.mark.parametrize("query", BATCH_QUERIES)
async def test_batched_completion_answers_what_graphql_core_answers(query):
    from graphql import execute as run

    schema = strawberry.Schema(query=Tree)
    core = schema._schema
    document = parse(query)
    variables = {"n": 3}
    expected_ctx, got_ctx = {"loads": 0}, {"loads": 0}
    expected = await run(core, document, context_value=expected_ctx, variable_values=variables)
    executor = executor_for(shortcuts(core, strawberry.Info, exception_handlers=False))
    got = await run(
        core, document, context_value=got_ctx, variable_values=variables, executor_class=executor
    )
    assert got.data == expected.data
    assert [e.formatted for e in got.errors or ()] == [e.formatted for e in expected.errors or ()]


async def _executed(core, executor, document, variables=None):
    from graphql import execute as run

    result = run(
        core, document, context_value={"loads": 0}, variable_values=variables or {},
        executor_class=executor,
    )  # fmt: skip
    return await result if inspect.isawaitable(result) else result


async def test_collected_selections_are_reused_only_when_variables_cannot_change_them():
    schema = strawberry.Schema(query=Tree)
    core = schema._schema
    executor = executor_for(shortcuts(core, strawberry.Info, exception_handlers=False))
    # The same parsed query again: the same answer, its selections reused.
    plain = parse("{ root { name kids(first: 2) { ...k } } } fragment k on Node { name }")
    first = await _executed(core, executor, plain)
    again = await _executed(core, executor, plain)
    assert first.data == again.data and not first.errors
    assert again.data["root"]["kids"] == [{"name": "r.0"}, {"name": "r.1"}]
    # A directive reads a variable: each request collects its own fields.
    switched = parse(
        "query($a: Boolean!) { root { kids(first: 1) { name @include(if: $a) label } } }"
    )
    shown = await _executed(core, executor, switched, {"a": True})
    hidden = await _executed(core, executor, switched, {"a": False})
    assert shown.data["root"]["kids"] == [{"name": "r.0", "label": "r.0"}]
    assert hidden.data["root"]["kids"] == [{"label": "r.0"}]


async def test_a_flood_of_distinct_queries_keeps_bounded_selection_state():
    # Every text is its own parsed operation: its kept selections go when the
    # pipeline's cache lets the operation go.
    runner = Pipeline(strawberry.Schema(query=Tree), Limits(), cache_size=8)
    for i in range(200):
        result = await runner.run({"loads": 0}, f"{{ root {{ a{i}: name kids {{ name }} }} }}")
        assert result.data == {"root": {f"a{i}": "r", "kids": [{"name": "r.0"}, {"name": "r.1"}]}}
    gc.collect()
    assert 0 < len(runner.executor.selections) <= 8


EVENTS: list[tuple[str, int]] = []


@strawberry.type
class Leaf:
    depth: int
    slow: bool = False

    @strawberry.field
    async def below(self) -> list[Leaf]:
        EVENTS.append(("call", self.depth))
        await asyncio.sleep(0.02 if self.slow else 0)
        EVENTS.append(("done", self.depth))
        return [Leaf(depth=self.depth + 1, slow=True), Leaf(depth=self.depth + 1)]


@strawberry.type
class Top:
    @strawberry.field
    def top(self) -> Leaf:
        return Leaf(depth=0)


def probe(executor):
    """The executor class, keeping the instances it makes."""

    class Probe(executor):
        used = []

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            Probe.used.append(self)

    return Probe


@strawberry.interface
class Shape:
    name: str


@strawberry.type
class Circle(Shape):
    radius: float


@strawberry.type
class Square(Shape):
    side: float


@strawberry.type
class Shapes:
    @strawberry.field
    def shapes(self) -> list[Shape]:
        return [Circle(name="c", radius=1.0), Square(name="s", side=2.0), Circle(name="d",
                radius=3.0)]  # fmt: skip

    @strawberry.field
    def either(self) -> list[Circle | Square]:
        return [Square(name="s", side=2.0), Circle(name="c", radius=1.0)]


async def test_batched_completion_of_interfaces_and_unions():
    from graphql import execute as run

    schema = strawberry.Schema(query=Shapes, types=[Circle, Square])._schema
    document = parse(
        "{ shapes { __typename name ... on Circle { radius } ... on Square { side } } "
        "either { ... on Circle { radius } ... on Square { side name } } }"
    )
    expected = run(schema, document)
    executor = probe(executor_for(shortcuts(schema, strawberry.Info, exception_handlers=False)))
    got = run(schema, document, executor_class=executor)
    got = await got if inspect.isawaitable(got) else got
    assert not got.errors and got.data == expected.data
    assert executor.used[0].batching  # answered by the batch, not by the fallback
    assert [s["__typename"] for s in got.data["shapes"]] == ["Circle", "Square", "Circle"]


async def test_arguments_are_coerced_once_per_selection_unless_they_read_variables():
    schema = strawberry.Schema(query=Tree)._schema
    executor = probe(executor_for(shortcuts(schema, strawberry.Info, exception_handlers=False)))
    # ``label`` without arguments (its default), with a literal, and ``kids``
    # with a variable: one parsed query run twice with different variables.
    document = parse(
        "query($n: Int!) { root { label kids(first: $n) { "
        'label p: label(prefix: "> ") kids(first: 1) { name } } } }'
    )
    for n in (1, 3):
        expected = await _executed(schema, None, document, {"n": n})
        got = await _executed(schema, executor, document, {"n": n})
        assert not got.errors and got.data == expected.data
        assert len(got.data["root"]["kids"]) == n
        assert got.data["root"]["kids"][0]["p"] == "> r.0"
        assert executor.used[-1].batching  # answered by the batch, not by the fallback
    # An optional variable given, then not: the argument's default again.
    optional = parse("query($n: Int) { root { kids(first: $n) { name } } }")
    for variables, count in (({"n": 3}, 3), ({}, 2), ({"n": None}, None), ({"n": 1}, 1)):
        expected = await _executed(schema, None, optional, variables)
        got = await _executed(schema, executor, optional, variables)
        assert got.data == expected.data
        assert [e.formatted for e in got.errors or ()] == [
            e.formatted for e in expected.errors or ()
        ]
        if count is not None:
            assert len(got.data["root"]["kids"]) == count


async def test_batched_completion_resolves_a_level_at_once():
    """No resolver of a level starts before every one of the level above has
    finished: one batch per level (graphql-core would start the fast item's
    children while the slow item still waits)."""
    EVENTS.clear()
    schema = strawberry.Schema(query=Top)._schema
    executor = executor_for(shortcuts(schema, strawberry.Info, exception_handlers=False))
    result = await execute(
        schema,
        parse("{ top { below { below { below { depth } } } } }"),
        executor_class=executor,
    )
    assert not result.errors
    last_of_level_1 = max(i for i, e in enumerate(EVENTS) if e == ("done", 1))
    first_of_level_2 = min(i for i, e in enumerate(EVENTS) if e == ("call", 2))
    assert last_of_level_1 < first_of_level_2


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


async def test_automatic_persisted_queries(client):
    query = '{ document(path: "/") { path } }'
    digest = hashlib.sha256(query.encode()).hexdigest()
    by_hash = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    unknown = await (await client.post(GRAPHQL, json=by_hash)).json()
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    first = await (await client.post(GRAPHQL, json={"query": query, **by_hash})).json()
    assert first["data"]["document"]["path"] == "/"
    again = await (await client.post(GRAPHQL, json=by_hash)).json()
    assert again == first
    # The GET form of the same request.
    resp = await client.get(
        GRAPHQL, params={"extensions": orjson.dumps(by_hash["extensions"]).decode()}
    )
    assert await resp.json() == first
    lying = {"query": "{ __typename }", **by_hash}
    wrong = await (await client.post(GRAPHQL, json=lying)).json()
    assert wrong["errors"][0]["extensions"]["code"] == "persisted_query_invalid"
    odd = {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": digest}}}
    refused = await (await client.post(GRAPHQL, json=odd)).json()
    assert refused["errors"][0]["extensions"]["code"] == "persisted_query_invalid"


@pytest.fixture
def allow_listed(base_settings, tmp_path):
    allowed = '{ document(path: "/") { path } }'
    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(
        orjson.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {
                        "id": hashlib.sha256(allowed.encode()).hexdigest(),
                        "name": "Root",
                        "type": "query",
                        "body": allowed,
                    }
                ],
            }
        )
    )
    return allowed, dataclasses.replace(base_settings, graphql_allow_list=str(manifest))


async def test_an_allow_list_runs_only_its_queries(aiohttp_client, database_url, allow_listed):
    from docgraph.gateway.app import create_app

    from ..conftest import ADMIN_AUTH

    allowed, settings = allow_listed
    app = create_app(settings, database_url)
    client = await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})
    digest = hashlib.sha256(allowed.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    for body in ({"query": allowed}, {"extensions": extensions}):
        answer = await (await client.post(GRAPHQL, json=body)).json()
        assert answer["data"]["document"]["path"] == "/"
    other = await (await client.post(GRAPHQL, json={"query": "{ __typename }"})).json()
    assert other["errors"][0]["extensions"]["code"] == "query_not_allowed"


def test_a_manifest_whose_hash_lies_is_refused(tmp_path):
    manifest = tmp_path / "manifest.json"
    manifest.write_bytes(orjson.dumps({"0" * 64: "{ __typename }"}))
    with pytest.raises(ValueError, match="does not have that hash"):
        load_manifest(manifest)


def test_texts_differing_in_string_literals_share_one_parsed_template(graphql_schema, monkeypatch):
    parses = []
    real = pipeline.parse
    monkeypatch.setattr(pipeline, "parse", lambda *a: parses.append(1) or real(*a))
    runner = Pipeline(graphql_schema, Limits())
    query = '{ document(id: "%s") { uid properties(schemas: ["dublincore"]) } }'
    # The first two texts run as written; the second makes the template.
    for literal in ("id-1", "id-2"):
        prepared, values = runner.prepare_shared(query % literal)
        assert values == {} and prepared.document is not None
    third, values = runner.prepare_shared(query % "id-3")
    fourth, more = runner.prepare_shared(query % "id-4")
    assert values == {"_dg0": "id-3", "_dg1": "dublincore"} and more["_dg0"] == "id-4"
    assert third is fourth and len(parses) == 2
    # A literal of another length is another shape; an escape is parsed as written.
    runner.prepare_shared(query % "a-longer-id")
    escaped, values = runner.prepare_shared(query % 'id\\"9')
    assert values == {} and len(parses) == 4
    assert 'id\\"9' in escaped.document.loc.source.body
    # A quote inside a comment does not hide the literal after it.
    commented = '{ # say "hi\n document(id: "%s") { uid } }'
    for literal in ("id-1", "id-2"):
        runner.prepare_shared(commented % literal)
    assert runner.prepare_shared(commented % "id-3")[1] == {"_dg0": "id-3"}


@pytest.mark.parametrize(
    "query",
    [
        # A string in a variable's default value stays a constant.
        'query($p: String = "/a") { document(path: $p) { uid } a: document(id: "%s") { uid } }',
        # A variable of the operation already has the template's name.
        'query($_dg0: ID) { document(id: $_dg0) { uid } b: document(id: "%s") { uid } }',
        # Two operations: which one would define the variables?
        'query A { document(id: "%s") { uid } } query B { __typename }',
    ],
)
def test_texts_that_cannot_share_are_parsed_as_written(graphql_schema, query):
    runner = Pipeline(graphql_schema, Limits())
    for literal in ("id-1", "id-2", "id-3"):
        prepared, values = runner.prepare_shared(query % literal)
        assert prepared.document is not None, prepared.errors
        assert values == {}
        assert literal in prepared.document.loc.source.body


async def test_inline_ids_answer_their_own_documents_and_errors(client):
    uids = []
    for title in ("first", "second"):
        resp = await client.post(
            "/nuxeo/api/v1/path/default-domain/workspaces",
            json={"entity-type": "document", "type": "Note", "name": title,
                  "properties": {"dc:title": title}},
        )  # fmt: skip
        uids.append((await resp.json())["uid"])
    missing = "00000000-0000-4000-8000-000000000000"
    query = (
        '{ document(id: "%s") { uid title } '
        'other: document(id: "%s") { title properties(schemas: ["%s"]) } }'
    )
    answers = []
    triples = [(uids[0], uids[1], "zz-1"), (uids[0], uids[1], "zz-0")]
    triples += [(uids[1], uids[0], "zz-2"), (missing, uids[0], "")]
    for triple in triples:
        resp = await client.post(GRAPHQL, json={"query": query % triple})
        answers.append(await resp.json())
    assert answers[0]["data"]["document"] == {"uid": uids[0], "title": "first"}
    assert answers[2]["data"]["document"] == {"uid": uids[1], "title": "second"}
    assert answers[2]["data"]["other"] is None  # its properties failed
    assert answers[3]["data"]["document"] is None
    # The third text ran the template the second made: its errors are located
    # and pathed as the first's were.
    assert "zz-2" in answers[2]["errors"][0]["message"]
    assert answers[2]["errors"][0]["locations"] == answers[0]["errors"][0]["locations"]
    assert answers[2]["errors"][0]["path"] == answers[0]["errors"][0]["path"]


def test_a_flood_of_shapes_keeps_the_template_cache_bounded(graphql_schema):
    runner = Pipeline(graphql_schema, Limits(), cache_size=8)
    for n in range(200):
        for literal in ("id-1", "id-2", "id-3"):
            runner.prepare_shared(f'{{ a{n}: document(id: "{literal}") {{ uid }} }}')
    assert len(runner.templates.items) <= 8


HOSTILE_LITERALS = [
    "x' OR '1'='1' --",
    "😀" * 16,
    "../../../../etc/passwd",
    "SELECT * FROM Document WHERE ecm:path STARTSWITH '/'",
    "%00%0d%0a",
    "$_dg0",
    "} } mutation { x }",
    "a" * 5000,
]


async def test_hostile_literals_through_a_template_answer_as_when_parsed(client):
    """The same text answers the same whether its shape's template runs it or
    it is parsed as written (a shape seen for the first time)."""
    query = '{ a: document(id: "%s") { uid } b: search(query: "%s") { totalSize } }'

    async def ask(text: str) -> dict:
        resp = await client.post(GRAPHQL, json={"query": text})
        assert resp.status == 200, await resp.text()
        return await resp.json()

    for i, literal in enumerate(HOSTILE_LITERALS):
        same_length = "z" * len(literal)
        for _ in range(2):  # the shape's second sighting makes its template
            await ask(query % (same_length, same_length))
        through_template = await ask(query % (literal, literal))
        padded = (query + " " * (i + 1)) % (literal, literal)  # a shape seen once
        parsed = await ask(padded)
        assert through_template == parsed, literal
        errors = through_template.get("errors", [])
        assert all(e["extensions"]["code"] != "internal" for e in errors), literal
