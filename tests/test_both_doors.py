"""One scenario through both doors (REST and GraphQL): the same engine, the same data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

API = "/nuxeo/api/v1"
DOC_FIELDS = (
    "uid path type title state parentRef changeToken isCheckedOut isVersion isProxy isTrashed"
    " properties"
)


@dataclass
class Rest:
    client: Any

    async def create(self, parent: str, type_: str, name: str, props: dict) -> dict:
        resp = await self.client.post(
            f"{API}/path{parent}",
            json={"entity-type": "document", "type": type_, "name": name, "properties": props},
        )
        assert resp.status == 201
        return await resp.json()

    async def get(self, path: str) -> dict:
        return await (await self.client.get(f"{API}/path{path}")).json()

    async def update(self, uid: str, props: dict) -> dict:
        resp = await self.client.put(
            f"{API}/id/{uid}", json={"entity-type": "document", "properties": props}
        )
        return await resp.json()

    async def children(self, path: str, page_size: int) -> dict:
        resp = await self.client.get(f"{API}/path{path}/@children?pageSize={page_size}")
        body = await resp.json()
        return {"total": body["totalSize"], "titles": [e["title"] for e in body["entries"]]}

    async def delete(self, uid: str) -> None:
        assert (await self.client.delete(f"{API}/id/{uid}")).status == 204


@dataclass
class GraphQL:
    client: Any

    async def run(self, query: str, **variables: Any) -> dict:
        resp = await self.client.post(
            "/nuxeo/graphql", json={"query": query, "variables": variables}
        )
        body = await resp.json()
        assert "errors" not in body, body
        return body["data"]

    async def create(self, parent: str, type_: str, name: str, props: dict) -> dict:
        data = await self.run(
            f"""mutation($parent: String, $type: String!, $name: String!,
            $props: JSON) {{ createDocument(parentPath: $parent, type: $type, name: $name,
            properties: $props) {{ {DOC_FIELDS} }} }}""",
            parent=parent,
            type=type_,
            name=name,
            props=props,
        )
        return data["createDocument"]

    async def get(self, path: str) -> dict:
        return (
            await self.run(f"query($p: String) {{ document(path: $p) {{ {DOC_FIELDS} }} }}", p=path)
        )["document"]

    async def update(self, uid: str, props: dict) -> dict:
        data = await self.run(
            f"""mutation($id: ID!, $props: JSON!) {{ updateDocument(id: $id,
            properties: $props) {{ {DOC_FIELDS} }} }}""",
            id=uid,
            props=props,
        )
        return data["updateDocument"]

    async def children(self, path: str, page_size: int) -> dict:
        data = await self.run(
            """query($p: String, $n: Int) { document(path: $p) {
            children(pageSize: $n) { totalSize entries { title } } } }""",
            p=path,
            n=page_size,
        )
        page = data["document"]["children"]
        return {"total": page["totalSize"], "titles": [e["title"] for e in page["entries"]]}

    async def delete(self, uid: str) -> None:
        assert (await self.run("mutation($id: ID!) { deleteDocument(id: $id) }", id=uid))[
            "deleteDocument"
        ]


def comparable(doc: dict) -> dict:
    keep = DOC_FIELDS.split()
    out = {k: doc[k] for k in keep}
    # timestamps and ids differ between the two runs
    out.pop("uid")
    out.pop("parentRef")
    out["properties"] = {
        k: v for k, v in doc["properties"].items() if k not in ("dc:created", "dc:modified")
    }
    out["path"] = doc["path"].rsplit("/", 1)[-1].removeprefix("rest-").removeprefix("graphql-")
    return out


@pytest.fixture(params=["rest", "graphql"])
def door(request, client):
    return request.param, (Rest if request.param == "rest" else GraphQL)(client)


async def scenario(name: str, door: Any) -> dict:
    folder = await door.create(
        "/default-domain/workspaces",
        "Folder",
        f"{name}-folder",
        {"dc:title": "Shared folder", "dc:subjects": ["art"]},
    )
    for title in ("b", "a", "c"):
        await door.create(
            f"/default-domain/workspaces/{name}-folder",
            "Note",
            title,
            {"dc:title": title, "note:note": f"text {title}"},
        )
    updated = await door.update(folder["uid"], {"dc:description": "after update"})
    fetched = await door.get(f"/default-domain/workspaces/{name}-folder")
    page = await door.children(f"/default-domain/workspaces/{name}-folder", 2)
    await door.delete(folder["uid"])
    gone = await door.client.get(f"{API}/id/{folder['uid']}")
    return {
        "created": comparable(folder),
        "updated": comparable(updated),
        "fetched": comparable(fetched),
        "page": page,
        "gone": gone.status,
    }


async def test_scenario(door):
    name, impl = door
    result = await scenario(name, impl)
    assert result["page"] == {"total": 3, "titles": ["a", "b"]}
    assert result["fetched"]["properties"]["dc:description"] == "after update"
    assert result["gone"] == 404


async def test_both_doors_give_the_same_results(client):
    rest = await scenario("rest", Rest(client))
    graphql = await scenario("graphql", GraphQL(client))
    assert rest == graphql


async def test_search_adapters_and_enrichers_match_their_graphql_fields(client, app_database):
    """@search, @pp and the enrichers of a page, against the GraphQL fields
    that stand for them; the fields of a whole page batch into one statement
    each."""
    root = "/default-domain/workspaces/doors"
    await Rest(client).create("/default-domain/workspaces", "Folder", "doors", {})
    for i, type_ in enumerate(("Folder", "Note", "File")):
        await Rest(client).create(root, type_, f"d{i}", {"dc:title": f"doors {type_}"})
    await Rest(client).create(f"{root}/d0", "Folder", "inner", {"dc:title": "inner"})
    enrichers = "hasFolderishChild,hasContent,subtypes,userVisiblePermissions,permissions"
    resp = await client.get(
        f"{API}/path{root}/@children",
        headers={"enrichers-document": enrichers, "properties": "dublincore"},
    )
    rest_page = {e["title"]: e["contextParameters"] for e in (await resp.json())["entries"]}
    searched = await (await client.get(f"{API}/path{root}/@search?fullText=doors")).json()
    by_pp = await (await client.get(f"{API}/path{root}/@pp/document_content?pageSize=10")).json()

    stats = app_database.stats
    before = stats.statements
    data = await GraphQL(client).run(
        """query($path: String!) { document(path: $path) {
            children { entries { title hasFolderishChild hasContent subtypes
                                 userVisiblePermissions permissions } }
            search(fullText: "doors") { totalSize entries { title } }
            pageProvider(name: "document_content", pageSize: 10) { entries { title } }
        } }""",
        path=root,
    )
    # The document, the children, one per enricher field that needs the
    # database (not one per entry), the two searches: 6 today.
    assert stats.statements - before <= 7, stats.statements - before
    doc = data["document"]
    for entry in doc["children"]["entries"]:
        context = rest_page[entry["title"]]
        for name in ("hasFolderishChild", "hasContent", "subtypes", "userVisiblePermissions"):
            assert entry[name] == context[name], (entry["title"], name)
        assert sorted(entry["permissions"]) == sorted(context["permissions"])
    assert doc["search"]["totalSize"] == searched["resultsCount"]
    assert sorted(e["title"] for e in doc["search"]["entries"]) == sorted(
        e["title"] for e in searched["entries"]
    )
    assert [e["title"] for e in doc["pageProvider"]["entries"]] == [
        e["title"] for e in by_pp["entries"]
    ]


async def test_an_empty_document_with_defaults_through_both_doors(client):
    """``@emptyWithDefault`` and ``emptyWithDefault``: nothing stored, every
    property at its default (lists empty, complex values with their fields)."""
    rest = await client.get(
        f"{API}/path/default-domain/workspaces/@emptyWithDefault?type=File&name=draft"
    )
    assert rest.status == 200, await rest.text()
    body = await rest.json()
    assert body["uid"] is None and body["changeToken"] is None and body["state"] is None
    assert body["path"] == "/default-domain/workspaces/draft" and body["type"] == "File"
    props = body["properties"]
    assert props["dc:title"] is None and props["dc:subjects"] == [] and props["files:files"] == []
    data = await GraphQL(client).run(
        """{ document(path: "/default-domain/workspaces") {
            uid emptyWithDefault(type: "File", name: "draft") {
                type name path parentRef facets properties } } }"""
    )
    empty = data["document"]["emptyWithDefault"]
    assert empty["properties"] == props
    assert empty["path"] == body["path"] and empty["facets"] == body["facets"]
    assert empty["parentRef"] == data["document"]["uid"] == body["parentRef"]
    missing = await client.get(f"{API}/path/default-domain/workspaces/@emptyWithDefault")
    unknown = await client.get(f"{API}/path/default-domain/@emptyWithDefault?type=Nope")
    assert missing.status == 400 and unknown.status == 400
    # Nothing was stored.
    assert (await client.get(f"{API}/path/default-domain/workspaces/draft")).status == 404
