"""Suggestions for user interfaces: directory entries and users and groups
while one types, as JSON blobs."""

from __future__ import annotations

API = "/nuxeo/api/v1"


async def run(client, op_id: str, **params):
    resp = await client.post(f"{API}/automation/{op_id}", json={"params": params})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_directory_suggestions_flat_and_hierarchical(client):
    natures = await run(
        client, "Directory.SuggestEntries", directoryName="nature", searchTerm="INVO"
    )
    assert [e["id"] for e in natures] == ["invoice"]
    subjects = await run(
        client,
        "Directory.SuggestEntries",
        directoryName="l10nsubjects",
        searchTerm="archi",
        lang="fr",
    )
    [art] = subjects
    assert art["id"] == "art" and art["children"][0]["computedId"] == "art/architecture"
    assert art["children"][0]["displayLabel"] == "Architecture"
    resp = await client.post(
        f"{API}/automation/Directory.SuggestEntries", json={"params": {"directoryName": "nope"}}
    )
    assert resp.status == 404


async def test_user_and_group_suggestions(client):
    found = await run(client, "UserGroup.Suggestion", searchTerm="admin")
    ids = {e["prefixed_id"] for e in found}
    assert {"user:Administrator", "group:administrators"} <= ids
    users_only = await run(
        client, "UserGroup.Suggestion", searchTerm="admin", searchType="USER_TYPE"
    )
    assert {e["type"] for e in users_only} == {"USER_TYPE"}
    hidden = await run(client, "UserGroup.Suggestion", searchTerm="admin", hideAdminGroups=True)
    assert "group:administrators" not in {e["prefixed_id"] for e in hidden}
    queried = await run(client, "User.Query", username="Admin")
    assert [u["username"] for u in queried["users"]] == ["Administrator"]
