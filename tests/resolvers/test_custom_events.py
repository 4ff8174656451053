"""Event.Fire: an event of the client's naming about a document reaches
plugin listeners at commit and the audit log; never on rollback, never about
a document the user may not read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from docgraph import plugins
from docgraph.db import security as db_security
from docgraph.resolvers import custom_events, documents, events
from docgraph.resolvers.events import ChangeEvent
from docgraph.resolvers.model import PathRef
from docgraph.resolvers.users import hash_password

from ..conftest import basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def test_a_fired_event_reaches_listeners_at_commit(make_ctx):
    heard: list[ChangeEvent] = []

    async def listener(ctx, batch: Sequence[ChangeEvent]) -> None:
        heard.extend(batch)

    registry = plugins.build_registry(
        enabled=(), extra=[("listen", lambda r: r.add_listener(listener))]
    )
    ctx = make_ctx(registry=registry)
    async with ctx.unit_of_work():
        doc = await documents.get(ctx, PathRef(WS))
        await custom_events.fire(ctx, doc, "reviewRequested")
        assert heard == []
    [event] = heard
    assert (event.kind, event.doc_id, dict(event.details)["name"]) == (
        events.FIRED,
        doc.id,
        "reviewRequested",
    )


async def fire(client, input_, name, headers=None):
    return await client.post(
        f"{API}/automation/Event.Fire",
        json={"input": input_, "params": {"name": name}},
        headers=headers,
    )


async def test_fired_events_are_audited_under_their_name(client):
    name = f"fired-{uuid.uuid4().hex[:8]}"
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": name}
    )
    doc = await resp.json()
    resp = await fire(client, doc["uid"], "approvalAsked")
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["uid"] == doc["uid"]  # the input passes through
    # Two documents at once, through the alias.
    resp = await client.post(
        f"{API}/automation/Notification.SendEvent",
        json={"input": f"docs:{doc['uid']},{doc['uid']}", "params": {"name": "twice"}},
    )
    assert resp.status == 200, await resp.text()
    audit = await (await client.get(f"{API}/id/{doc['uid']}/@audit")).json()
    ids = [e["eventId"] for e in audit["entries"]]
    assert ids.count("approvalAsked") == 1 and ids.count("twice") == 2
    entry = next(e for e in audit["entries"] if e["eventId"] == "approvalAsked")
    assert entry["category"] == "eventDocumentCategory"
    assert entry["principalName"] == "Administrator"


async def test_bad_names_and_unreadable_documents_are_refused(client, db):
    doc = await (await client.get(f"{API}/path{WS}")).json()
    for bad in ("", "   ", "x" * 257, "line\nbreak"):
        resp = await fire(client, doc["uid"], bad)
        assert resp.status == 400, (bad, await resp.text())
    resp = await client.post(f"{API}/automation/Event.Fire", json={"params": {"name": "void"}})
    assert resp.status == 400, await resp.text()  # an event is about a document
    if await db_security.user_by_name(db, "firer") is None:
        await db_security.insert_user(db, "firer", hash_password("firer-pw"))
        await db_security.add_membership(db, "firer", "members")
    name = f"private-{uuid.uuid4().hex[:8]}"
    private = await (
        await client.post(
            f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": name}
        )
    ).json()
    await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": private["uid"]}
    )
    firer = basic("firer", "firer-pw")
    resp = await fire(client, private["uid"], "sneaky", firer)
    assert resp.status in (403, 404), await resp.text()
    # The readable first document's event rolls back with the refused second.
    resp = await fire(client, f"docs:{doc['uid']},{private['uid']}", "halfway", firer)
    assert resp.status in (403, 404), await resp.text()
    audit = await (await client.get(f"{API}/id/{doc['uid']}/@audit")).json()
    assert "halfway" not in [e["eventId"] for e in audit["entries"]]
    resp = await fire(client, doc["uid"], "halfway", firer)
    assert resp.status == 200, await resp.text()
    audit = await (await client.get(f"{API}/id/{doc['uid']}/@audit")).json()
    assert "halfway" in [e["eventId"] for e in audit["entries"]]


async def test_live_subscribers_get_the_name(make_ctx):
    from docgraph.resolvers import live

    ctx = make_ctx()
    async with ctx.unit_of_work():
        doc = await documents.get(ctx, PathRef(WS))
        await custom_events.fire(ctx, doc, "published-elsewhere")
        (event,) = ctx.work.events
    [payload] = live.encode([live.Change.of(event)])
    [change] = live.decode(payload)
    assert (change.kind, change.name, change.doc_id) == ("fired", "published-elsewhere", doc.id)
