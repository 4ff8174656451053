"""An aggregate counts at most ``aggregate_limit`` documents, and says so."""

from __future__ import annotations

import dataclasses

import pytest

from .test_aggregates import buckets, library, search

__all__ = ["library"]


@pytest.fixture
def settings(base_settings):
    return dataclasses.replace(base_settings, aggregate_limit=2)


async def test_aggregates_count_a_bounded_number_of_documents(client, library):
    found = await search(client, library)
    assert found["resultsCount"] == 4
    assert sum(buckets(found, "dc_nature_agg").values()) == 2
    assert found["aggregations"]["dc_nature_agg"]["properties"]["countedDocuments"] == "2"
    narrowed = await search(client, library, **{"defaults:dc_nature": '["article"]'})
    assert "countedDocuments" not in narrowed["aggregations"]["dc_nature_agg"]["properties"]
