"""NXQL through /query, /search, @search, @pp and Document.Query: each
operator against a small known tree, permission filtering in the SQL, and
bad queries answered 400."""

from __future__ import annotations

import uuid

import pytest

from docgraph.db import security as db_security
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


@pytest.fixture(scope="module")
def tag():
    return uuid.uuid4().hex[:8]


@pytest.fixture
async def tree(client, tag):
    """/ws-<tag>/{alpha (File), beta (Note), gamma (Folder)/{delta (File)}}"""
    root = f"{WS}/ws-{tag}"
    existing = await client.get(f"{API}/path{root}")
    if existing.status == 200:
        return root
    await client.post(
        f"{API}/path{WS}",
        json={"entity-type": "document", "type": "Workspace", "name": f"ws-{tag}"},
    )
    docs = [
        (root, "File", "alpha", {"dc:title": "Alpha report", "dc:description": "quarterly numbers",
                                 "dc:subjects": ["art/architecture", "society"]}),
        (root, "Note", "beta", {"dc:title": "Beta memo", "note:note": "hello world of memos",
                                "dc:subjects": ["sciences/biology"]}),
        (root, "Folder", "gamma", {"dc:title": "Gamma folder"}),
        (f"{root}/gamma", "File", "delta",
         {"dc:title": "delta plans", "dc:description": "secret roadmap"}),
    ]  # fmt: skip
    for parent, type_, name, props in docs:
        resp = await client.post(
            f"{API}/path{parent}",
            json={"entity-type": "document", "type": type_, "name": name, "properties": props},
        )
        assert resp.status == 201, await resp.text()
    return root


async def names(client, nxql: str, headers=None, **params) -> list[str]:
    resp = await client.get(f"{API}/query", params={"query": nxql, **params}, headers=headers)
    body = await resp.json()
    assert resp.status == 200, body
    assert body["entity-type"] == "documents"
    assert body["resultsCount"] == len(body["entries"]) or "pageSize" in params
    return sorted(e["path"].rsplit("/", 1)[-1] for e in body["entries"])


ALL = ["alpha", "beta", "delta", "gamma"]
IN_TREE = "SELECT * FROM Document WHERE ecm:path STARTSWITH '{root}' AND "
CASES = [
    # A bare name: the field of a schema without a prefix (uid:uid).
    (IN_TREE + 'uid = "non-existent"', []),
    ("SELECT * FROM Document WHERE ecm:path STARTSWITH '{root}'", ALL),
    ("SELECT * FROM File WHERE ecm:path STARTSWITH '{root}'", ["alpha", "delta"]),
    ("SELECT * FROM Folder WHERE ecm:path STARTSWITH '{root}'", ["gamma"]),
    (IN_TREE + "ecm:primaryType = 'Note'", ["beta"]),
    (IN_TREE + "dc:title ILIKE '%REPORT%'", ["alpha"]),
    (IN_TREE + "dc:title LIKE 'Beta%'", ["beta"]),
    (IN_TREE + "dc:title NOT LIKE '%a%'", []),
    (IN_TREE + "dc:subjects = 'society'", ["alpha"]),
    (IN_TREE + "dc:subjects/* IN ('society', 'sciences/biology')", ["alpha", "beta"]),
    (IN_TREE + "dc:subjects STARTSWITH 'art'", ["alpha"]),
    (IN_TREE + "dc:subjects <> 'society'", ["beta", "delta", "gamma"]),
    (IN_TREE + "dc:subjects IS NULL", ["delta", "gamma"]),
    (IN_TREE + "ecm:mixinType = 'Folderish'", ["gamma"]),
    (IN_TREE + "ecm:mixinType NOT IN ('Folderish', 'Downloadable')", ["beta"]),
    (IN_TREE + "ecm:fulltext = 'roadmap'", ["delta"]),
    (IN_TREE + "ecm:fulltext = 'memo* OR quarterly'", ["alpha", "beta"]),
    (IN_TREE + "ecm:fulltext = '\"hello world\" -nothing'", ["beta"]),
    (IN_TREE + "ecm:fulltext = '-roadmap'", []),
    (IN_TREE + "ecm:fulltext.dc:title = 'plans'", ["delta"]),
    (IN_TREE + "dc:created > NOW('-P1D') AND dc:created <= NOW()", ALL),
    (IN_TREE + "dc:created < DATE '2000-01-01'", []),
    (IN_TREE + "(ecm:name = 'alpha' OR ecm:name = 'delta') AND NOT ecm:name = 'delta'", ["alpha"]),
    (IN_TREE + "ecm:isTrashed = 0 AND ecm:isVersion = 0 AND ecm:isProxy = 0", ALL),
    ("SELECT * FROM Document WHERE ecm:path = '{root}/gamma/delta'", ["delta"]),
    ("SELECT * FROM Document WHERE ecm:path STARTSWITH '{root}/nowhere'", []),
    (IN_TREE + "dc:description IS NOT NULL", ["alpha", "delta"]),
    (IN_TREE + "ecm:name BETWEEN 'b' AND 'e'", ["beta", "delta"]),
    ("select * from Document where ecm:path startswith '{root}' and ecm:uuid = 'not-a-uuid'", []),
]  # fmt: skip


@pytest.mark.parametrize(("nxql", "expected"), CASES, ids=range(len(CASES)))
async def test_nxql_operators(client, tree, nxql, expected):
    assert await names(client, nxql.format(root=tree)) == expected


async def test_parent_and_ancestor_and_ordering(client, tree):
    root = await (await client.get(f"{API}/path{tree}")).json()
    gamma = await (await client.get(f"{API}/path{tree}/gamma")).json()
    in_gamma = f"SELECT * FROM Document WHERE ecm:parentId = '{gamma['uid']}'"
    assert await names(client, in_gamma) == ["delta"]
    below = f"SELECT * FROM Document WHERE ecm:ancestorId = '{root['uid']}'"
    assert await names(client, below) == ALL
    children = f"SELECT * FROM Document WHERE ecm:parentId = '{root['uid']}'"
    resp = await client.get(
        f"{API}/query",
        params={"query": f"{children} ORDER BY dc:title DESC"},
    )  # fmt: skip
    titles = [e["title"] for e in (await resp.json())["entries"]]
    assert titles == ["Gamma folder", "Beta memo", "Alpha report"]
    # sortBy replaces the query's order; a missing sortOrder means descending.
    resp = await client.get(
        f"{API}/query",
        params={"query": f"SELECT * FROM Document WHERE ecm:parentId = '{root['uid']}'",
                "sortBy": "ecm:name", "sortOrder": "asc", "pageSize": "2"},
    )  # fmt: skip
    body = await resp.json()
    assert [e["title"] for e in body["entries"]] == ["Alpha report", "Beta memo"]
    assert body["resultsCount"] == 3 and body["numberOfPages"] == 2 and body["isNextPageAvailable"]


async def test_query_params_are_quoted_the_nuxeo_way(client, tree):
    nxql = "SELECT * FROM Document WHERE ecm:path STARTSWITH ? AND dc:title = ?"
    for params in ({"queryParams": [tree, "Beta memo"]}, {"queryParams": f"{tree},Beta memo"}):
        resp = await client.get(f"{API}/query", params={"query": nxql, **params})
        assert [e["title"] for e in (await resp.json())["entries"]] == ["Beta memo"]
    # A quote inside a parameter stays inside the string: no injection.
    resp = await client.get(
        f"{API}/query", params={"query": nxql, "queryParams": [tree, "x' OR dc:title LIKE '%"]}
    )
    assert (await resp.json())["resultsCount"] == 0


async def test_every_search_door(client, tree):
    gamma = await (await client.get(f"{API}/path{tree}/gamma")).json()
    nxql = f"SELECT * FROM Document WHERE ecm:parentId = '{gamma['uid']}'"
    for url, params in (
        (f"{API}/query/NXQL", {"query": nxql}),
        (f"{API}/search/lang/NXQL/execute", {"query": nxql}),
        (f"{API}/search/execute", {"query": nxql}),
        (f"{API}/query/CURRENT_DOC_CHILDREN", {"queryParams": gamma["uid"]}),
        (f"{API}/search/pp/CURRENT_DOC_CHILDREN/execute", {"queryParams": gamma["uid"]}),
        (f"{API}/id/{gamma['uid']}/@pp/CURRENT_DOC_CHILDREN", {}),
        (f"{API}/id/{gamma['uid']}/@search", {"fullText": "roadmap"}),
        (f"{API}/path{tree}/@search", {"query": nxql}),
    ):
        resp = await client.get(url, params=params)
        body = await resp.json()
        assert resp.status == 200, (url, body)
        assert [e["title"] for e in body["entries"]] == ["delta plans"], url
    definition = await (await client.get(f"{API}/search/pp/CURRENT_DOC_CHILDREN")).json()
    assert (
        definition["name"] == "CURRENT_DOC_CHILDREN" and "ecm:parentId = ?" in definition["pattern"]
    )
    resp = await client.post(f"{API}/automation/Repository.Query", json={"params": {"query": nxql}})
    assert [e["title"] for e in (await resp.json())["entries"]] == ["delta plans"]
    resp = await client.post(
        f"{API}/automation/Document.Query",
        json={"params": {"query": "SELECT * FROM Document WHERE ecm:parentId = ?",
                         "queryParams": gamma["uid"]}},
    )  # fmt: skip
    assert [e["title"] for e in (await resp.json())["entries"]] == ["delta plans"]
    resp = await client.post(
        f"{API}/automation/Repository.PageProvider",
        json={"params": {"providerName": "CURRENT_DOC_CHILDREN", "queryParams": gamma["uid"]}},
    )
    assert [e["title"] for e in (await resp.json())["entries"]] == ["delta plans"]
    gql = await client.post(
        "/nuxeo/graphql",
        json={"query": "query($q: String!) { search(query: $q) { totalSize entries { title } } }",
              "variables": {"q": nxql}},
    )  # fmt: skip
    assert (await gql.json())["data"]["search"] == {
        "totalSize": 1,
        "entries": [{"title": "delta plans"}],
    }


async def test_results_are_filtered_by_permission_inside_the_sql(client, db, tree):
    if await db_security.user_by_name(db, "searcher") is None:
        await db_security.insert_user(db, "searcher", hash_password("searcher-pw"))
        await db_security.add_membership(db, "searcher", "members")
    gamma = await (await client.get(f"{API}/path{tree}/gamma")).json()
    await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": gamma["uid"]}
    )
    nxql = f"SELECT * FROM Document WHERE ecm:path STARTSWITH '{tree}'"
    searcher = basic("searcher", "searcher-pw")
    assert await names(client, nxql, searcher) == ["alpha", "beta"]  # gamma and delta hidden
    assert await names(client, nxql) == ALL
    await client.post(
        f"{API}/automation/Document.AddPermission",
        json={"input": gamma["uid"], "params": {"user": "searcher", "permission": "Read"}},
    )
    assert await names(client, nxql, searcher) == ALL


BAD = [
    "SELEC * FROM Document",
    "sElEcT * FROM Document",
    "SELECT * FROM Nothing",
    "SELECT * FROM Document WHERE no:such = 1",
    "SELECT * FROM Document WHERE ecm:nothing = 1",
    "SELECT * FROM Document WHERE ecm:isTrashed = 2",
    "SELECT * FROM Document WHERE dc:created > 'yesterday'",
    "SELECT * FROM Document WHERE dc:title > NOW()",
    "SELECT * FROM Document WHERE dc:created > NOW('; DROP TABLE documents')",
    "SELECT * FROM Document WHERE ecm:fulltext = 'a OR'",
    "SELECT * FROM Document WHERE ecm:fulltext = '\"open'",
    "SELECT * FROM Document WHERE COUNT(x) = 1",
    "SELECT dc:title FROM Document",
    "SELECT * FROM Document GROUP BY dc:title",
    "SELECT * FROM Document WHERE dc:title = " + "1" * 100,
]


@pytest.mark.parametrize("nxql", BAD, ids=range(len(BAD)))
async def test_bad_queries_are_400(client, nxql):
    resp = await client.get(f"{API}/query", params={"query": nxql})
    body = await resp.json()
    assert resp.status == 400, body
    assert body["entity-type"] == "exception"


async def test_a_huge_query_is_refused_before_parsing(client):
    nxql = "SELECT * FROM Document WHERE " + " AND ".join(["ecm:name = 'x'"] * 3000)
    resp = await client.post(f"{API}/automation/Repository.Query", json={"params": {"query": nxql}})
    assert resp.status == 400
    assert "longer than" in (await resp.json())["message"]


async def test_unknown_provider_is_an_error(client):
    resp = await client.get(f"{API}/query/no_such_provider")
    assert resp.status == 404


async def test_paginable_adapters_report_a_bad_query_in_the_list(client, tree):
    resp = await client.get(f"{API}/path{tree}/@search", params={"query": "SELECT nonsense"})
    body = await resp.json()
    assert resp.status == 200
    assert body["hasError"] is True and "Syntax error" in body["errorMessage"]
    assert body["entries"] == []


async def test_search_adapter_scopes_and_orders(client, tree):
    # From a non-folder, the search covers its parent's subtree.
    resp = await client.get(f"{API}/path{tree}/alpha/@search", params={"orderBy": "ecm:name"})
    body = await resp.json()
    assert [e["path"].rsplit("/", 1)[-1] for e in body["entries"]] == ALL
    assert body["hasError"] is False


async def test_correlated_wildcards_name_one_element(client, db, tree):
    """files:files/*1/... conditions hold for the same list element; /* ones
    for any element each."""
    resp = await client.post(
        f"{API}/path{tree}", json={"entity-type": "document", "type": "File", "name": "attach"}
    )
    uid = (await resp.json())["uid"]
    files = [{"file": {"name": "a.pdf", "length": 10}}, {"file": {"name": "b.txt", "length": 5000}}]
    await db.execute(
        "UPDATE documents SET properties = properties"
        " || jsonb_build_object('files:files', $2::jsonb) WHERE id = $1",
        uuid.UUID(uid),
        files,
    )
    base = f"SELECT * FROM File WHERE ecm:path STARTSWITH '{tree}' AND "
    same = "files:files/*1/file/name LIKE '%.pdf' AND files:files/*1/file/length > 1000"
    any_ = "files:files/*/file/name LIKE '%.pdf' AND files:files/*/file/length > 1000"
    assert await names(client, base + same) == []
    assert await names(client, base + any_) == ["attach"]
    both = "files:files/*1/file/name = 'b.txt' AND files:files/*1/file/length > 1000"
    assert await names(client, base + both) == ["attach"]
    assert await names(client, base + "files:files/0/file/name = 'a.pdf'") == ["attach"]
    assert await names(client, base + "files:files/1/file/name = 'a.pdf'") == []


async def test_totals_are_exact_up_to_the_count_limit(
    aiohttp_client, database_url, base_settings, registry, tree
):
    from dataclasses import replace

    from docgraph.gateway.app import create_app

    from ..conftest import ADMIN_AUTH

    settings = replace(base_settings, search_count_limit=2)
    limited = await aiohttp_client(
        create_app(settings, database_url, registry=registry),
        headers={"Authorization": ADMIN_AUTH},
    )
    nxql = f"SELECT * FROM Document WHERE ecm:path STARTSWITH '{tree}'"
    body = await (await limited.get(f"{API}/query", params={"query": nxql, "pageSize": 1})).json()
    assert body["resultsCount"] == -2 and body["resultsCountLimit"] == 2
    assert body["isNextPageAvailable"] is True and body["numberOfPages"] == 0
    # A result that fits in one page needs no count, and is exact.
    body = await (await limited.get(f"{API}/query", params={"query": nxql})).json()
    assert body["resultsCount"] == len(body["entries"]) >= 4


async def test_graphql_search_by_provider_and_full_text(client, tree):
    gamma = await (await client.get(f"{API}/path{tree}/gamma")).json()
    query = """query($p: [String!]) {
      byProvider: search(pageProvider: "CURRENT_DOC_CHILDREN", queryParams: $p) {
        entries { title }
      }
      byWords: search(fullText: "roadmap") { entries { title } }
    }"""
    body = await (
        await client.post(
            "/nuxeo/graphql", json={"query": query, "variables": {"p": [gamma["uid"]]}}
        )
    ).json()
    assert body["data"]["byProvider"]["entries"] == [{"title": "delta plans"}]
    assert {"title": "delta plans"} in body["data"]["byWords"]["entries"]
    both = await client.post(
        "/nuxeo/graphql", json={"query": '{ search(query: "x", fullText: "y") { totalSize } }'}
    )
    assert (await both.json())["errors"][0]["extensions"]["code"] == "bad_request"
