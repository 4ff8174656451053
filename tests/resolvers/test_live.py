"""What a change subscription matches, and how changes cross processes."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from docgraph.errors import ServiceUnavailable
from docgraph.resolvers.live import MAX_PAYLOAD, Change, ChangeHub, decode, encode, watch


def change(kind="modified", path="/ws/a/doc", old_path=None, doc_type="Note"):
    return Change(
        kind, "default", uuid.uuid4(), None, path, doc_type, "bob", "2026-01-01T00:00:00", old_path
    )


@pytest.mark.parametrize(
    ("what", "seen", "expected"),
    [
        (watch(None, "/ws/a", None), change(), True),
        (watch(None, "/ws/a", None), change(path="/ws/a"), True),
        (watch(None, "/ws/a", None), change(path="/ws/ab/doc"), False),
        # Moved out of the subtree: its old path was inside.
        (watch(None, "/ws/a", None), change("moved", "/ws/b/doc", "/ws/a/doc"), True),
        # An ancestor moved, trashed or secured: the subtree changed too.
        (watch(None, "/ws/a", None), change("moved", "/x/ws", "/ws"), True),
        (watch(None, "/ws/a", None), change("modified", "/ws"), False),
        (watch(None, None, ["File"]), change(), False),
        (watch(None, "/", ["Note"]), change(), True),
    ],
)
def test_a_watch_matches(what, seen, expected):
    assert what.matches(seen) is expected


def test_payloads_stay_under_the_notify_limit():
    changes = [change(path="/ws/" + "x" * 1500) for _ in range(40)]
    payloads = encode(changes)
    assert len(payloads) > 1
    assert all(len(p.encode()) < MAX_PAYLOAD for p in payloads)
    assert [c for p in payloads for c in decode(p)] == changes


async def test_a_subscriber_too_slow_is_dropped_not_buffered():
    hub = ChangeHub(feed_size=3)
    with hub.feed() as feed:
        hub.publish(change() for _ in range(10))
        for _ in range(3):
            await asyncio.wait_for(feed.get(), 1)
        with pytest.raises(ServiceUnavailable):
            await feed.get()
    assert not hub.feeds


def test_a_process_follows_a_bounded_number_of_subscriptions():
    hub = ChangeHub(max_feeds=2)
    with hub.feed(), hub.feed():
        with pytest.raises(ServiceUnavailable), hub.feed():
            pass
    with hub.feed():  # the slots came back
        pass
