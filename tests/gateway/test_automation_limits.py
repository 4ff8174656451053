"""Automation cannot be turned into unbounded work: inputs and results are bounded."""

from __future__ import annotations

from dataclasses import replace

import pytest

from .test_automation import API, WS, run


@pytest.fixture
def settings(base_settings):
    return replace(base_settings, max_input_documents=5, max_result_documents=8)


@pytest.fixture
async def folder(client):
    resp = await client.get(f"{API}/path{WS}/limits")
    if resp.status == 404:
        await run(
            client,
            "Document.Create",
            {"input": f"doc:{WS}", "params": {"type": "Folder", "name": "limits"}},
        )
        for i in range(6):
            await run(
                client,
                "Document.Create",
                {"input": f"doc:{WS}/limits", "params": {"type": "Note", "name": f"n{i}"}},
            )
    return f"{WS}/limits"


async def test_get_children_is_paged(client, folder):
    body = await run(
        client,
        "Document.GetChildren",
        {"input": f"doc:{folder}", "params": {"pageSize": 4, "currentPageIndex": 1}},
    )
    assert body["resultsCount"] == 6 and body["currentPageIndex"] == 1
    assert len(body["entries"]) == 2
    body = await run(client, "Document.GetChildren", {"input": f"doc:{folder}"})
    assert len(body["entries"]) == 6 and body["isNextPageAvailable"] is False


async def test_input_lists_are_bounded(client, folder):
    refs = ",".join([folder] * 6)
    body = await run(client, "Document.GetParent", {"input": f"docs:{refs}"}, status=400)
    assert "at most 5 documents" in body["message"]
    body = await run(
        client, "Document.Fetch", {"params": {"value": [folder] * 3}}, status=400
    )  # one document expected, a list given
    await run(client, "Document.GetParent", {"input": f"docs:{','.join([folder] * 5)}"})


async def test_gathered_results_are_bounded(client, folder):
    # Two copies of a folder of six: twelve children gathered, eight allowed.
    body = await run(
        client, "Document.GetChildren", {"input": f"docs:{folder},{folder}"}, status=400
    )
    assert "more than 8 documents" in body["message"]
    body = await run(client, "Document.GetChildren", {"input": f"docs:{folder}"})
    assert len(body["entries"]) == 6
