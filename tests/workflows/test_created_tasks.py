"""Task.Create: tasks outside any workflow, for users and groups; accepting
or rejecting one runs its chain on the document; they are tasks, never
listed as workflows."""

from __future__ import annotations

import pytest

from docgraph.gateway.app import create_app
from docgraph.plugins import Chain, ChainStep, build_registry

from ..conftest import ADMIN_AUTH
from .test_workflows import API, member, new_doc, tasks


def _chains(registry):
    for outcome in ("accepted", "rejected"):
        registry.add_chain(
            Chain(
                f"Mark{outcome.capitalize()}",
                (ChainStep("Document.SetProperty", {"xpath": "dc:description", "value": outcome}),),
            )
        )


@pytest.fixture(scope="module")
def registry():
    return build_registry(enabled=["workflows"], extra=[("chains", _chains)])


@pytest.fixture(scope="module")
def database_url(docgraph_database, registry):
    return docgraph_database("created_tasks", registry)


@pytest.fixture
async def client(aiohttp_client, database_url, settings, registry):
    app = create_app(settings, database_url, registry=registry)
    return await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})


async def create_task(client, doc, headers=None, context=None, **params):
    resp = await client.post(
        f"{API}/automation/Task.Create",
        json={"input": doc["uid"], "params": params, "context": context or {}},
        headers=headers,
    )
    return resp.status, await resp.json()


async def end(client, task, action, headers=None):
    resp = await client.put(
        f"{API}/task/{task['id']}/{action}",
        json={"entity-type": "task", "id": task["id"], "comment": "done"},
        headers=headers,
    )
    return resp.status, await resp.json()


async def grant_write(client, doc, user):
    resp = await client.post(
        f"{API}/automation/Document.AddPermission",
        json={"input": doc["uid"], "params": {"username": user, "permission": "ReadWrite"}},
    )
    assert resp.status == 200, await resp.text()


async def description(client, doc) -> str | None:
    found = await client.get(f"{API}/id/{doc['uid']}", headers={"properties": "dublincore"})
    return (await found.json())["properties"]["dc:description"]


async def test_a_task_for_two_users_accepted_by_one(client, db):
    carol, dave = await member(db, "carol"), await member(db, "dave")
    doc = await new_doc(client, "to approve")
    status, body = await create_task(
        client,
        doc,
        context={"reviewers": ["user:carol"]},
        **{
            "task name": "Approve the budget",
            "directive": "Read it first",
            "comment": "Due soon",
            "due date": "2030-01-02T03:04:05Z",
            "accept operation chain": "MarkAccepted",
            "reject operation chain": "MarkRejected",
            "variable name for actors prefixed ids": "reviewers",
            "additional list of actors prefixed ids": "dave",
            "create one task per actor": False,
        },
    )
    assert status == 200, body
    assert body["uid"] == doc["uid"]
    [task] = await tasks(client, carol)
    assert task["name"] == "Approve the budget" and task["directive"] == "Read it first"
    assert task["workflowInstanceId"] is None and task["workflowModelName"] is None
    assert sorted(a["id"] for a in task["actors"]) == ["user:carol", "user:dave"]
    assert task["dueDate"] == "2030-01-02T03:04:05.000Z"
    assert task["targetDocumentIds"] == [{"id": doc["uid"]}]
    assert task["comments"][0]["text"] == "Due soon"
    assert [a["name"] for a in task["taskInfo"]["taskActions"]] == ["accept", "reject"]
    assert [t["id"] for t in await tasks(client, dave)] == [task["id"]]
    # Not a workflow: no running workflow on the document, none to read.
    on_doc = await (await client.get(f"{API}/id/{doc['uid']}/@workflow")).json()
    assert on_doc["entries"] == []
    # The chain runs as the one who ends the task, with their rights.
    status, _ = await end(client, task, "accept", carol)
    assert status == 403
    assert await description(client, doc) is None
    await grant_write(client, doc, "carol")
    status, _ = await end(client, task, "accept", carol)
    assert status == 200
    assert await description(client, doc) == "accepted"
    assert await tasks(client, carol) == [] and await tasks(client, dave) == []
    # The log tells of a task, not of a workflow.
    audit = await (await client.get(f"{API}/id/{doc['uid']}/@audit")).json()
    events = [e["eventId"] for e in audit["entries"]]
    assert "workflowTaskAssigned" in events and "workflowTaskCompleted" in events
    assert "afterWorkflowStarted" not in events and "afterWorkflowFinish" not in events


async def test_one_task_per_actor_and_rejection(client, db):
    erin, frank = await member(db, "erin"), await member(db, "frank")
    doc = await new_doc(client, "to reject")
    status, body = await create_task(
        client,
        doc,
        **{
            "task name": "Check",
            "reject operation chain": "MarkRejected",
            "additional list of actors prefixed ids": "user:erin,user:frank",
        },
    )
    assert status == 200, body
    [erins] = await tasks(client, erin)
    [franks] = await tasks(client, frank)
    assert erins["id"] != franks["id"]
    await grant_write(client, doc, "erin")
    status, _ = await end(client, erins, "reject", erin)
    assert status == 200
    assert await description(client, doc) == "rejected"
    # frank cannot end erin's task; an unknown button is a 400.
    status, _ = await end(client, franks, "approve", frank)
    assert status == 400


async def test_bad_task_requests(client, db):
    doc = await new_doc(client)
    crowd = ",".join(f"u{i}" for i in range(101))
    for params in (
        {"task name": "No one"},
        {"task name": "", "additional list of actors prefixed ids": "user:x"},
        {"task name": "x", "additional list of actors prefixed ids": crowd},
        {"task name": "x", "additional list of actors prefixed ids": "user:x",
         "accept operation chain": "NoSuchChain"},
        {"task name": "x", "variable name for actors prefixed ids": "missing"},
        {"task name": "x", "additional list of actors prefixed ids": "user:x",
         "due date": "not a date"},
    ):  # fmt: skip
        status, body = await create_task(client, doc, **params)
        assert status in (400, 404), (params, body)
    # The hidden model cannot be started as a workflow.
    resp = await client.post(
        f"{API}/id/{doc['uid']}/@workflow",
        json={"entity-type": "workflow", "workflowModelName": "createdTask"},
    )
    assert resp.status == 404
    models = await (await client.get(f"{API}/workflowModel")).json()
    assert "createdTask" not in [m["name"] for m in models["entries"]]
    # A member who may not read the document cannot put a task on it.
    grace = await member(db, "grace")
    await client.post(
        f"{API}/automation/Document.BlockPermissionInheritance", json={"input": doc["uid"]}
    )
    status, _ = await create_task(
        client, doc, grace, **{"task name": "x", "additional list of actors prefixed ids": "u"}
    )
    assert status in (403, 404)
