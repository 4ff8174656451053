"""Typed document types generated from the type registry."""

from __future__ import annotations

import uuid

from docgraph import plugins
from docgraph.schema import build_schema

from .test_graphql import API, gql

WS = "/default-domain/workspaces"


async def test_a_document_answers_as_its_own_type_with_typed_schemas(client):
    name = f"typed-{uuid.uuid4().hex[:8]}"
    resp = await client.post(
        f"{API}/path{WS}",
        json={
            "entity-type": "document",
            "type": "Note",
            "name": name,
            "properties": {
                "dc:title": "Typed",
                "dc:subjects": ["art", "sciences"],
                "note:note": "<p>hi</p>",
                "note:mime_type": "text/html",
            },
        },
    )
    rest = await resp.json()
    body = await gql(
        client,
        """query($path: String!) { document(path: $path) {
            __typename uid
            ... on Note { dublincore { title subjects created creator } note { note mimeType } }
            ... on Versionable { isCheckedOut }
            ... on Note { uidSchema { majorVersion minorVersion } }
            ... on Folderish { childrenConnection { edges { cursor } } }
        } }""",
        {"path": f"{WS}/{name}"},
    )
    assert "errors" not in body, body
    doc = body["data"]["document"]
    assert doc["__typename"] == "Note"
    props = rest["properties"]
    assert doc["dublincore"] == {
        "title": "Typed",
        "subjects": ["art", "sciences"],
        "created": props["dc:created"],
        "creator": props["dc:creator"],
    }
    assert doc["note"] == {"note": "<p>hi</p>", "mimeType": "text/html"}
    assert doc["uidSchema"] == {"majorVersion": props["uid:major_version"],
                                "minorVersion": props["uid:minor_version"]}  # fmt: skip
    assert "childrenConnection" not in doc  # a Note is not Folderish


async def test_listings_answer_each_entry_as_its_type(client):
    body = await gql(
        client,
        """{ document(path: "/default-domain") { children { entries {
            __typename ... on Folderish { hasFolderishChild } } } } }""",
    )
    entries = body["data"]["document"]["children"]["entries"]
    assert {e["__typename"] for e in entries} >= {"WorkspaceRoot", "SectionRoot"}
    assert all("hasFolderishChild" in e for e in entries)


def test_types_facets_and_schemas_of_plugins_appear():
    from docgraph_hello import register

    registry = plugins.build_registry(enabled=(), extra=[("hello", register)])
    sdl = build_schema(registry).as_str()
    # The plugin's own GraphQL type is called Greeting already: its document
    # type gets a suffix, as do the Document type, the Picture facet and the
    # uid schema's field.
    assert "type GreetingType implements Commentable & Document {" in sdl
    assert "recipient: String\n  message: String\n}" in sdl
    assert "type DocumentType implements Document {" in sdl
    assert "interface PictureFacet implements Document {" in sdl
    assert "uidSchema: UidSchema!" in sdl
