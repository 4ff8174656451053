"""``children`` selections compiled into one SQL statement (schema/compiled.py,
db/rendered.py) answer exactly what the resolvers answer, field for field,
for every kind of child and page; anything they cannot write falls back."""

from __future__ import annotations

import dataclasses
import random
import uuid

import pytest

from docgraph.resolvers import rendered
from docgraph.schema import compiled
from docgraph.schema.compiled import MAX_PAGES
from docgraph.settings import Settings

from ..conftest import basic
from ..gateway.test_versions import make, op, put, user
from .test_graphql import gql

WS = "/default-domain/workspaces"
# Small, so that some pages report a truncated total (-2) and others not.
COUNT_LIMIT = 4

FIELDS = """fragment F on Document { uid repository path name type title state
  parentRef changeToken isCheckedOut isVersion isProxy proxyTargetId versionableId
  isTrashed lockOwner lockCreated facets lastModified }"""

TREE_QUERY = (
    """query($id: ID!, $size: Int, $inner: Int, $index: Int) { document(id: $id) { uid
  children(pageSize: $size) { __typename totalSize currentPageIndex pageSize numberOfPages
    isNextPageAvailable aggregations
    entries { ...F __typename dc: properties(schemas: ["dublincore"])
      none: properties(schemas: ["note"])
      children(pageSize: $inner, currentPageIndex: $index) { totalSize isNextPageAvailable
        numberOfPages pageSize currentPageIndex
        entries { ...F ... on Document { kids: children(pageSize: 1) { totalSize } } } } } } } }
"""
    + FIELDS
)


@pytest.fixture
def settings(base_settings: Settings) -> Settings:
    return dataclasses.replace(base_settings, search_count_limit=COUNT_LIMIT)


async def both(client, monkeypatch, query, variables, written_pages):
    """The answer compiled, then resolved in Python; compiled must have run."""
    fast = await gql(client, query, variables)
    assert written_pages, fast
    with monkeypatch.context() as m:
        m.setattr(compiled, "children_page", lambda *args: None)
        slow = await gql(client, query, variables)
    return fast, slow


async def tree(client) -> dict:
    """A folder holding one child of each kind the listing treats apart."""
    tag = uuid.uuid4().hex[:6]
    root = await make(client, WS, "Folder", f"tree-{tag}", "Tree")
    path = root["path"]
    file = await make(client, path, "File", "b-file", "Beta")
    properties = {"dc:description": 'Some\n"quoted" é', "dc:subjects": ["art", "sciences"]}
    resp = await put(client, file["uid"], properties)
    assert resp.status == 200, await resp.text()
    await make(client, path, "Note", "a-note")  # untitled: shows its name
    sub = await make(client, path, "Folder", "sub", "Sub")
    for i in range(6):
        await make(client, sub["path"], "File", f"f{i}", f"File {5 - i}")
    ordered = await make(client, path, "OrderedFolder", "ordered", "Ordered")
    for name in ("c", "a", "b"):  # by position: c a b; by title: a b c
        await make(client, ordered["path"], "Note", name, name.upper())
    trashed = await make(client, path, "File", "trashed", "Trashed")
    await op(client, "Document.Trash", trashed["uid"])
    await make(client, path, "HiddenFolder", "hidden", "Hidden")
    locked = await make(client, path, "File", "locked", "Locked")
    await op(client, "Document.Lock", locked["uid"])
    faceted = await make(client, path, "File", "faceted", "Faceted")
    await op(client, "Document.AddFacet", faceted["uid"], facet="HasRelatedText")
    await op(client, "Document.CreateLiveProxy", file["uid"], **{"Destination Path": sub["path"]})
    secret = await make(client, path, "File", "secret", "Secret")
    await op(client, "Document.BlockPermissionInheritance", secret["uid"])
    await op(client, "Document.AddPermission", root["uid"], username="reader", permission="Read")
    return root


async def test_a_tree_reads_the_same_compiled_and_resolved(client, monkeypatch, written_pages):
    root = await tree(client)
    for variables in (
        {"size": 50, "inner": 2, "index": 1},  # the second page of each sub-folder
        {"size": 2, "inner": 0, "index": 0},  # a truncated total; pageSize 0: no paging
        {"size": None, "inner": 5, "index": 7},  # the default size; past the end
    ):
        written_pages.clear()
        fast, slow = await both(
            client, monkeypatch, TREE_QUERY, {"id": root["uid"], **variables}, written_pages
        )
        assert fast == slow and "errors" not in fast, variables
        assert len(written_pages) == 1  # the whole subtree, below the root, in one page spec
    page = fast["data"]["document"]["children"]
    names = [e["name"] for e in page["entries"]]
    # Title order, untitled last; no trashed or hidden child; the secret is the admin's to see.
    assert names == ["b-file", "faceted", "locked", "ordered", "secret", "sub", "a-note"]
    entries = {e["name"]: e for e in page["entries"]}
    assert entries["a-note"]["title"] == "a-note" and entries["locked"]["lockOwner"]
    assert entries["b-file"]["dc"]["dc:subjects"] == ["art", "sciences"]
    assert entries["b-file"]["dc"]["dc:description"] == 'Some\n"quoted" é'
    assert entries["sub"]["none"] == {} and entries["a-note"]["none"]["note:note"] is None
    assert entries["faceted"]["__typename"] == "File"


async def test_orders_and_proxies_in_nested_pages(client, monkeypatch, written_pages):
    root = await tree(client)
    query = (
        "query($id: ID!) { document(id: $id) { children { entries { name"
        " children(pageSize: 10) { totalSize entries { ...F } } } } } }" + FIELDS
    )
    fast, slow = await both(client, monkeypatch, query, {"id": root["uid"]}, written_pages)
    assert fast == slow
    entries = {e["name"]: e for e in fast["data"]["document"]["children"]["entries"]}
    assert [e["name"] for e in entries["ordered"]["children"]["entries"]] == ["c", "a", "b"]
    sub = entries["sub"]["children"]["entries"]
    proxies = [e for e in sub if e["isProxy"]]
    assert len(proxies) == 1 and proxies[0]["proxyTargetId"] == proxies[0]["versionableId"]


async def test_the_permission_filter_is_in_the_statement(
    client, app_database, monkeypatch, written_pages
):
    root = await tree(client)
    await user(app_database, "reader")
    query = (
        "query($id: ID!) { document(id: $id) { children { totalSize entries { name"
        " children(pageSize: 3) { totalSize entries { name } } } } } }"
    )
    reader = basic("reader", "reader-pw")
    resp = await client.post(
        "/nuxeo/graphql",
        json={"query": query, "variables": {"id": root["uid"]}},
        headers=reader,
    )
    fast = await resp.json()
    assert written_pages
    with monkeypatch.context() as m:
        m.setattr(compiled, "children_page", lambda *args: None)
        resp = await client.post(
            "/nuxeo/graphql",
            json={"query": query, "variables": {"id": root["uid"]}},
            headers=reader,
        )
        slow = await resp.json()
    assert fast == slow and "errors" not in fast
    names = [e["name"] for e in fast["data"]["document"]["children"]["entries"]]
    assert "secret" not in names and "sub" in names


async def test_the_subtree_costs_one_statement(client, app_database, written_pages):
    root = await tree(client)
    query = (
        "query($id: ID!) { document(id: $id) { children(pageSize: 20) { entries { uid"
        " children(pageSize: 20) { entries { uid children(pageSize: 20) { entries { uid }"
        " } } } } } } }"
    )
    await gql(client, query, {"id": root["uid"]})  # credentials cached
    written_pages.clear()
    before = app_database.stats.statements
    body = await gql(client, query, {"id": root["uid"]})
    assert "errors" not in body and len(written_pages) == 1
    assert app_database.stats.statements - before == 2  # the root, then everything below


@pytest.mark.parametrize(
    "selection",
    [
        "children { entries { name permissions } }",  # a field the SQL does not write
        "children { entries { name properties } }",  # every schema: blobs among them
        "children { entries { name ... on File { dublincore { title } } } }",  # a concrete type
        # One key, two selections of a page: the executor merges them.
        "children { entries { name k: children { totalSize }"
        " ... on Document { k: children { pageSize } } } }",
        "children { a: entries { name } b: entries { uid } }",  # two different entries
        'children { entries { name properties(schemas: ["relatedtext"]) } }',  # a facet's
    ],
)
async def test_what_does_not_compile_is_resolved(client, monkeypatch, written_pages, selection):
    root = await tree(client)
    query = "query($id: ID!) { document(id: $id) { " + selection + " } }"
    body = await gql(client, query, {"id": root["uid"]})
    assert "errors" not in body and written_pages == []


async def test_a_type_no_longer_registered_reads_the_same(
    client, app_database, monkeypatch, written_pages
):
    root = await tree(client)
    # A plugin removed: its documents read as the base Document type.
    await app_database.execute(
        "UPDATE documents SET type = 'Vanished' WHERE parent_id = $1 AND name = 'b-file'",
        uuid.UUID(root["uid"]),
    )
    query = (
        "query($id: ID!) { document(id: $id) { children { entries { ...F __typename"
        ' properties(schemas: ["dublincore", "note"]) } } } }' + FIELDS
    )
    fast, slow = await both(client, monkeypatch, query, {"id": root["uid"]}, written_pages)
    assert fast == slow and "errors" not in fast
    entries = {e["name"]: e for e in fast["data"]["document"]["children"]["entries"]}
    assert entries["b-file"]["type"] == "Vanished"
    assert entries["b-file"]["__typename"] == "GenericDocument"


@pytest.mark.parametrize(("a", "b"), [(True, True), (True, False), (False, True), (False, False)])
async def test_skip_and_include_read_the_same(client, monkeypatch, written_pages, a, b):
    root = await tree(client)
    query = (
        "query($id: ID!, $a: Boolean!, $b: Boolean!) { document(id: $id) {"
        " children { totalSize @skip(if: $a) entries { name uid @include(if: $b)"
        " ... on Document @include(if: $a) { title }"
        " ...F @skip(if: $b) @include(if: $a)"
        " children(pageSize: 2) @include(if: $b) { entries { name @skip(if: $a) } } } } } }"
        + FIELDS
    )
    variables = {"id": root["uid"], "a": a, "b": b}
    fast, slow = await both(client, monkeypatch, query, variables, written_pages)
    assert fast == slow and "errors" not in fast


@pytest.mark.parametrize(
    ("sort_by", "sort_order"),
    [
        ("dc:title", "desc"),
        ("dc:modified", "asc"),
        ("ecm:name,dc:title", "desc,asc"),
        ("ecm:primaryType,dc:description,ecm:pos", "asc,desc"),
    ],
)
async def test_sorted_pages_read_the_same(client, monkeypatch, written_pages, sort_by, sort_order):
    root = await tree(client)
    query = (
        "query($id: ID!, $by: String, $order: String) { document(id: $id) {"
        " children(sortBy: $by, sortOrder: $order, pageSize: 4, currentPageIndex: 1) {"
        " totalSize entries { name facets"
        " children(sortBy: $by, sortOrder: $order, pageSize: 3) { entries { name } } } } } }"
    )
    variables = {"id": root["uid"], "by": sort_by, "order": sort_order}
    fast, slow = await both(client, monkeypatch, query, variables, written_pages)
    assert fast == slow and "errors" not in fast
    assert written_pages[0][1].sort


def pages(spec) -> int:
    """How many pages a page spec holds, itself included."""
    return 1 + sum(
        pages(field.page)
        for _, field in spec.document.fields
        if isinstance(field, rendered.Children)
    )


async def test_one_statement_holds_a_bounded_number_of_pages(client, monkeypatch, written_pages):
    root = await tree(client)
    aliases = " ".join(f"c{i}: children(pageSize: 1) {{ totalSize }}" for i in range(MAX_PAGES))
    query = "query($id: ID!) { document(id: $id) { children { entries { " + aliases + " } } } }"
    fast, slow = await both(client, monkeypatch, query, {"id": root["uid"]}, written_pages)
    assert fast == slow and "errors" not in fast
    # The page and its 16 aliases would be 17: each alias is compiled on its
    # own, and the identical ones read in one statement.
    assert max(pages(spec) for _, spec in written_pages) == 1


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ("children(pageSize: -1) { entries { name } }", "must not be negative"),
        ('children(sortBy: "nope:field") { entries { name } }', "Cannot sort by"),
        ('children { entries { properties(schemas: ["nope"]) } }', "Unknown schema"),
        (
            "children { entries { children(currentPageIndex: -2) { totalSize } } }",
            "must not be negative",
        ),
    ],
)
async def test_refused_arguments_report_what_the_resolvers_report(
    client, monkeypatch, written_pages, selection, message
):
    root = await tree(client)
    query = "query($id: ID!) { document(id: $id) { " + selection + " } }"
    body = await gql(client, query, {"id": root["uid"]})
    with monkeypatch.context() as m:
        m.setattr(compiled, "children_page", lambda *args: None)
        slow = await gql(client, query, {"id": root["uid"]})
    assert body == slow and message in body["errors"][0]["message"]


DOCUMENT_NAMES = [
    "uid", "repository", "path", "name", "type", "title", "state", "parentRef",
    "changeToken", "isCheckedOut", "isVersion", "isProxy", "proxyTargetId",
    "versionableId", "isTrashed", "lockOwner", "lockCreated", "facets", "lastModified",
    "__typename",
]  # fmt: skip
PAGE_NAMES = [
    "totalSize", "currentPageIndex", "pageSize", "numberOfPages", "isNextPageAvailable",
    "aggregations", "__typename",
]  # fmt: skip
SCHEMAS = ["dublincore", "note", "common", "uid", "Dublincore"]
SORTS = ["dc:title", "dc:modified", "ecm:name", "ecm:primaryType", "ecm:pos", "uid:major_version"]


def random_page(rng: random.Random, depth: int) -> str:
    """A ``children`` field with random arguments and a random selection
    of what written_pages, ``depth`` levels of children below at most."""
    args = [f"pageSize: {rng.choice([1, 2, 3, 5])}"]
    if rng.random() < 0.4:
        args.append(f"currentPageIndex: {rng.randrange(3)}")
    elif rng.random() < 0.2:
        args.append(f"offset: {rng.randrange(5)}")
    if rng.random() < 0.4:
        keys = rng.sample(SORTS, rng.randint(1, 3))
        orders = [rng.choice(["asc", "desc"]) for _ in keys]
        args.append(f'sortBy: "{",".join(keys)}", sortOrder: "{",".join(orders)}"')
    fields = [f"p{i}: {n}" for i, n in enumerate(rng.sample(PAGE_NAMES, rng.randint(0, 4)))]
    entries = [f"d{i}: {n}" for i, n in enumerate(rng.sample(DOCUMENT_NAMES, rng.randint(1, 6)))]
    if rng.random() < 0.5:
        schemas = ", ".join(f'"{s}"' for s in rng.sample(SCHEMAS, rng.randint(1, 2)))
        entries.append(f"props: properties(schemas: [{schemas}])")
    if rng.random() < 0.3:  # a leaf asked again, in a fragment: merged
        entries.append(f"... on Document {{ {rng.choice(entries)} }}")
    if rng.random() < 0.3:  # a field kept or left out
        i = rng.choice([i for i, e in enumerate(entries) if not e.startswith("...")])
        condition = rng.choice(["skip", "include"])
        entries[i] += f" @{condition}(if: {rng.choice(['true', 'false'])})"
    if depth > 0 and rng.random() < 0.7:
        entries.append(f"kids: {random_page(rng, depth - 1)}")
    rng.shuffle(entries)
    fields.append("entries { " + " ".join(entries) + " }")
    rng.shuffle(fields)
    return f"children({', '.join(args)}) {{ {' '.join(fields)} }}"


async def test_random_selections_read_the_same(client, monkeypatch, written_pages):
    root = await tree(client)
    rng = random.Random(20261201)
    for _ in range(40):
        query = "query($id: ID!) { document(id: $id) { " + random_page(rng, 2) + " } }"
        written_pages.clear()
        fast, slow = await both(client, monkeypatch, query, {"id": root["uid"]}, written_pages)
        assert fast == slow and "errors" not in fast, query


async def test_a_mutation_reads_its_own_write_through_a_compiled_page(client, written_pages):
    root = await tree(client)
    query = (
        'mutation($p: String) { createDocument(parentPath: $p, type: "Note", name: "fresh") {'
        " parent { children(pageSize: 20) { entries { name } } } } }"
    )
    body = await gql(client, query, {"p": root["path"]})
    assert "errors" not in body and written_pages
    page = body["data"]["createDocument"]["parent"]["children"]
    # The unit of work's own write is in the page PostgreSQL wrote.
    names = [e["name"] for e in page["entries"]]
    assert "fresh" in names and len(names) == 8
