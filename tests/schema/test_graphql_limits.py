"""GraphQL requests are measured before they run: each attack is refused cheaply."""

from __future__ import annotations

import logging
import time

import pytest

from .test_graphql import gql

GRAPHQL = "/nuxeo/graphql"


def code(body) -> str:
    assert body.get("data") is None, body
    return body["errors"][0]["extensions"]["code"]


def fragment_bomb(levels: int) -> str:
    """Each fragment spreads the previous one twice: 2^levels expansions."""
    parts = ["fragment F0 on Document { uid }"]
    for i in range(1, levels + 1):
        parts.append(f"fragment F{i} on Document {{ a{i}: parent {{ ...F{i - 1} }} ...F{i - 1} }}")
    return f'{{ document(path: "/") {{ ...F{levels} }} }} ' + " ".join(parts)


async def test_the_fragment_bomb_is_refused_without_expanding_it(client, app_database):
    await gql(client, "{ __typename }")  # credentials verified and cached
    before = app_database.stats.statements
    started = time.monotonic()
    body = await gql(client, fragment_bomb(40))
    # 2^40 expansions would never finish: measured per fragment, it is instant.
    assert time.monotonic() - started < 5
    assert code(body) in ("query_too_deep", "too_many_aliases")
    assert {e["extensions"]["code"] for e in body["errors"]} == {
        "query_too_deep",
        "too_many_aliases",
    }
    assert app_database.stats.statements == before


async def test_the_alias_bomb_is_refused_before_execution(client, app_database):
    field = "children(pageSize: 1000) { entries { properties } }"
    many = '{ document(path: "/") { ' + " ".join(f"a{i}: {field}" for i in range(200)) + " } }"
    assert code(await gql(client, many)) == "too_many_aliases"
    before = app_database.stats.statements
    wider = "children(pageSize: 1000) { entries { uid title properties } }"
    costly = '{ document(path: "/") { ' + " ".join(f"a{i}: {wider}" for i in range(40)) + " } }"
    body = await gql(client, costly)
    assert code(body) == "query_too_costly"
    # 1 + 40 aliases x (1 + 1000 entries x (entries + 3 fields))
    assert "would cost 160041" in body["errors"][0]["message"]
    assert app_database.stats.statements == before


async def test_page_sizes_from_variables_count(client):
    query = """query($n: Int) { document(path: "/") { children(pageSize: $n) {
        entries { children(pageSize: $n) { entries { children(pageSize: $n) {
        entries { uid } } } } } } } }"""
    assert code(await gql(client, query, {"n": 1000})) == "query_too_costly"
    body = await gql(client, query, {"n": 5})
    assert "errors" not in body


async def test_size_and_tokens(client):
    body = await gql(client, "{ __typename " + " " * 30_000 + "}")
    assert code(body) == "query_too_large"
    body = await gql(client, "{" + "a " * 6_000 + "}")
    assert code(body) == "query_too_large"
    assert "tokens" in body["errors"][0]["message"]


async def test_deeply_nested_variables(client):
    raw = (
        '{"query": "query($v: JSON) { document(path: \\"/\\") { uid } }", "variables": {"v": '
        + "[" * 1000
        + "]" * 1000
        + "}}"
    )
    resp = await client.post(GRAPHQL, data=raw, headers={"Content-Type": "application/json"})
    assert resp.status == 200
    assert code(await resp.json()) == "invalid_variables"


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($id: ID!) { document(id: $id) { uid } }", {"id": {"a": 1}}),
        (
            'query($n: Int) { document(path: "/") { children(pageSize: $n) { totalSize } } }',
            {"n": "abc"},
        ),
    ],
)
async def test_wrong_variable_types_are_the_clients_mistake(client, caplog, query, variables):
    with caplog.at_level(logging.ERROR):
        body = await gql(client, query, variables)
    assert code(body) == "invalid_variables"
    assert "Variable '$" in body["errors"][0]["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_connection_sizes_count_forward_and_backward(client):
    for size in ("first", "last"):
        query = f"""query($n: Int) {{ document(path: "/") {{
            childrenConnection({size}: $n) {{ edges {{ node {{
            childrenConnection({size}: $n) {{ edges {{ node {{ uid }} }} }} }} }} }} }} }}"""
        assert code(await gql(client, query, {"n": 1000})) == "query_too_costly"
        assert "errors" not in await gql(client, query, {"n": 5})
