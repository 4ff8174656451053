"""Parsers of untrusted files run in a child process that can be stopped."""

from __future__ import annotations

import time

import pytest

from docgraph.errors import BadRequest, NotFound
from docgraph.resolvers import sandbox


def doubled(text: str) -> str:
    return text * 2


def spins_forever() -> None:
    while True:
        time.sleep(0.01)


def eats_memory() -> bytes:
    hog = []
    while True:
        hog.append(bytearray(100 * 1024 * 1024))


def refuses() -> None:
    raise NotFound("no such page")


def breaks() -> None:
    raise KeyError("a parser's own error")


async def test_a_result_comes_back():
    assert await sandbox.sandboxed(doubled, "ab") == "abab"


async def test_a_hanging_parser_is_killed(monkeypatch):
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 1.0)
    started = time.monotonic()
    with pytest.raises(BadRequest, match="took more than"):
        await sandbox.sandboxed(spins_forever)
    assert time.monotonic() - started < 10


async def test_a_memory_bomb_hits_its_limit():
    with pytest.raises(BadRequest):
        await sandbox.sandboxed(eats_memory)


async def test_errors_keep_their_kind_and_parser_errors_are_400():
    with pytest.raises(NotFound, match="no such page"):
        await sandbox.sandboxed(refuses)
    with pytest.raises(BadRequest, match="KeyError"):
        await sandbox.sandboxed(breaks)
