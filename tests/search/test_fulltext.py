"""Full text: accents folded, Nuxeo's query syntax, the dictionary a setting."""

from __future__ import annotations

import pytest

from docgraph.db import search as db_search
from docgraph.settings import ConfigurationError

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def found(client, terms: str) -> list[str]:
    nxql = f"SELECT * FROM Note WHERE ecm:path STARTSWITH '{WS}/ft' AND ecm:fulltext = ?"
    resp = await client.get(f"{API}/query", params={"query": nxql, "queryParams": terms})
    body = await resp.json()
    assert resp.status == 200, body
    return sorted(e["title"] for e in body["entries"])


@pytest.fixture
async def notes(client):
    if (await client.get(f"{API}/path{WS}/ft")).status == 404:
        await client.post(
            f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": "ft"}
        )
        for name, title, text in (
            ("n1", "Café crème", "the runner was running"),
            ("n2", "Plain tea", "nothing about coffee"),
        ):
            resp = await client.post(
                f"{API}/path{WS}/ft",
                json={"entity-type": "document", "type": "Note", "name": name,
                      "properties": {"dc:title": title, "note:note": text}},
            )  # fmt: skip
            assert resp.status == 201


async def test_accents_are_folded(client, notes):
    assert await found(client, "cafe") == ["Café crème"]
    assert await found(client, "CRÈME") == ["Café crème"]
    assert await found(client, "coffee OR cafe") == ["Café crème", "Plain tea"]
    assert await found(client, "caf*") == ["Café crème"]
    # An update is searchable at once (the index is kept by a trigger).
    note = await (await client.get(f"{API}/path{WS}/ft/n2")).json()
    await client.put(
        f"{API}/id/{note['uid']}",
        json={"entity-type": "document", "properties": {"dc:title": "Green tea"}},
    )
    assert await found(client, "green") == ["Green tea"]


async def test_the_dictionary_is_a_setting(client, db, notes):
    assert await found(client, "runs") == []  # simple: no stemming
    assert await db_search.set_fulltext_dictionary(db, "english_stem") is True
    try:
        assert await found(client, "runs") == ["Café crème"]
        assert await db_search.set_fulltext_dictionary(db, "english_stem") is False
        with pytest.raises(ConfigurationError):
            await db_search.set_fulltext_dictionary(db, "klingon_stem")
    finally:
        await db_search.set_fulltext_dictionary(db, "simple")
    assert await found(client, "runs") == []
