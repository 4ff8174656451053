"""Workflows and tasks, as a plugin: the serial and parallel reviews through
REST and GraphQL, who may act, bad input, the audit trail, and the plugin
switched off."""

from __future__ import annotations

import uuid

import pytest

from docgraph.db import security as db_security
from docgraph.gateway.app import create_app
from docgraph.plugins import build_registry
from docgraph.resolvers.users import hash_password
from docgraph.schema import build_schema
from docgraph.workflows import engine

from ..conftest import ADMIN_AUTH, basic

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


@pytest.fixture(scope="module")
def registry():
    return build_registry(enabled=["workflows"])


@pytest.fixture(scope="module")
def database_url(docgraph_database, registry):
    return docgraph_database("workflows", registry)


@pytest.fixture
async def client(aiohttp_client, database_url, settings, registry):
    app = create_app(settings, database_url, registry=registry)
    return await aiohttp_client(app, headers={"Authorization": ADMIN_AUTH})


async def member(db, name: str) -> dict[str, str]:
    if await db_security.user_by_name(db, name) is None:
        await db_security.insert_user(db, name, hash_password(f"{name}-pw"))
        await db_security.add_membership(db, name, "members")
    return basic(name, f"{name}-pw")


async def new_doc(client, title: str = "review me") -> dict:
    resp = await client.post(
        f"{API}/path{WS}",
        json={
            "entity-type": "document",
            "type": "File",
            "name": f"wf-{uuid.uuid4().hex[:6]}",
            "properties": {"dc:title": title},
        },
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def start(client, doc: dict, model: str, **variables) -> dict:
    resp = await client.post(
        f"{API}/id/{doc['uid']}/@workflow",
        json={"entity-type": "workflow", "workflowModelName": model, "variables": variables},
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def tasks(client, headers=None, **params) -> list[dict]:
    resp = await client.get(f"{API}/task", params=params, headers=headers)
    assert resp.status == 200, await resp.text()
    body = await resp.json()
    assert body["entity-type"] == "tasks"
    return body["entries"]


async def complete(client, task: dict, action: str, headers=None, status=200, **variables) -> dict:
    body = {"entity-type": "task", "id": task["id"], "variables": variables}
    resp = await client.put(f"{API}/task/{task['id']}/{action}", json=body, headers=headers)
    assert resp.status == status, await resp.text()
    return await resp.json()


async def test_serial_review_validated_by_each_participant_in_turn(client, db):
    alice, bob = await member(db, "alice"), await member(db, "bob")
    doc = await new_doc(client)
    workflow = await start(client, doc, "SerialDocumentReview", initiatorComment="please")
    assert workflow["entity-type"] == "workflow" and workflow["state"] == "running"
    assert workflow["attachedDocumentIds"] == [{"id": doc["uid"]}]
    assert workflow["variables"]["initiatorComment"] == "please"
    [choose] = await tasks(client, workflowInstanceId=workflow["id"])
    assert choose["nodeName"] == "Task38e"
    assert choose["name"] == "wf.serialDocumentReview.chooseParticipants"
    assert choose["actors"] == [{"id": "user:Administrator"}]
    assert [a["name"] for a in choose["taskInfo"]["taskActions"]] == ["cancel", "start_review"]
    # Starting the review needs participants.
    await complete(client, choose, "start_review", status=400)
    await complete(client, choose, "start_review", participants=["user:alice", "bob"])
    # Alice validates first, then Bob; the document is then approved.
    assert await tasks(client, workflowInstanceId=workflow["id"]) == []
    [first] = await tasks(client, headers=alice)
    assert first["name"] == "wf.serialDocumentReview.DocumentValidation"
    assert first["actors"] == [{"id": "user:alice"}]
    assert await tasks(client, headers=bob) == []
    # Bob may not act on Alice's task, nor even see it.
    await complete(client, first, "validate", headers=bob, status=404)
    done = await complete(client, first, "validate", headers=alice, comment="fine by me")
    assert done["state"] == "ended" and done["comments"][0]["author"] == "alice"
    await complete(client, first, "validate", headers=alice, status=409)
    [second] = await tasks(client, headers=bob)
    await complete(client, second, "validate", headers=bob)
    current = await (await client.get(f"{API}/id/{doc['uid']}")).json()
    assert current["state"] == "approved"
    resp = await client.get(f"{API}/workflow/{workflow['id']}")
    assert (await resp.json())["state"] == "done"
    running = await (await client.get(f"{API}/id/{doc['uid']}/@workflow")).json()
    assert running["entries"] == []
    # The audit trail tells the story.
    history = await (
        await client.get(f"{API}/id/{doc['uid']}/@audit", params={"category": "Routing"})
    ).json()
    assert [e["eventId"] for e in history["entries"]][::-1] == [
        "afterWorkflowStarted",
        "workflowTaskCompleted",
        "workflowTaskCompleted",
        "workflowTaskCompleted",
        "afterWorkflowFinish",
    ]
    assert [e["principalName"] for e in history["entries"]][::-1][1:4] == [
        "Administrator",
        "alice",
        "bob",
    ]


async def test_serial_review_rejections_go_back(client, db):
    alice, bob = await member(db, "alice"), await member(db, "bob")
    doc = await new_doc(client)
    workflow = await start(client, doc, "SerialDocumentReview")
    [choose] = await tasks(client, workflowInstanceId=workflow["id"])
    await complete(client, choose, "start_review", participants=["user:alice", "user:bob"])
    [first] = await tasks(client, headers=alice)
    await complete(client, first, "validate", headers=alice)
    # Bob rejects: back to Alice; Alice rejects: to the initiator, who cancels.
    [second] = await tasks(client, headers=bob)
    await complete(client, second, "reject", headers=bob)
    [again] = await tasks(client, headers=alice)
    await complete(client, again, "reject", headers=alice)
    [update] = await tasks(client, workflowInstanceId=workflow["id"])
    assert update["nodeName"] == "Task542"
    await complete(client, update, "cancel")
    resp = await client.get(f"{API}/workflow/{workflow['id']}")
    assert (await resp.json())["state"] == "canceled"
    assert (await (await client.get(f"{API}/id/{doc['uid']}")).json())["state"] == "project"


async def test_parallel_review_with_three_participants(client, db):
    people = {name: await member(db, name) for name in ("ann", "ben", "cat")}
    doc = await new_doc(client)
    workflow = await start(client, doc, "ParallelDocumentReview")
    [choose] = await tasks(client, workflowInstanceId=workflow["id"])
    assert choose["nodeName"] == "Task2556"
    await complete(client, choose, "start_review", participants=list(people))
    # One task each, all at once.
    opinions = {name: await tasks(client, headers=h) for name, h in people.items()}
    assert all(len(found) == 1 for found in opinions.values())
    assert {t[0]["nodeName"] for t in opinions.values()} == {"Task328d"}
    await complete(client, opinions["ann"][0], "approve", headers=people["ann"])
    await complete(client, opinions["ben"][0], "reject", headers=people["ben"])
    # Not consolidated until the last opinion is in.
    assert await tasks(client, workflowInstanceId=workflow["id"]) == []
    await complete(client, opinions["cat"][0], "NA", headers=people["cat"])
    [consolidate] = await tasks(client, workflowInstanceId=workflow["id"])
    assert consolidate["nodeName"] == "Task2169"
    instance = await (await client.get(f"{API}/workflow/{workflow['id']}")).json()
    result = instance["variables"]["review_result"]
    assert "ann : approve" in result and "ben : reject" in result and "cat : NA" in result
    await complete(client, consolidate, "validate")
    assert (await (await client.get(f"{API}/id/{doc['uid']}")).json())["state"] == "approved"


async def test_opinions_not_given_by_the_end_date_are_closed_as_na(client, db, registry, settings):
    """Past the review's end date, the escalation ends the opinions still
    open as N/A, as the system, and the review goes on to the initiator;
    reviews whose end date has not come are left alone."""
    people = {name: await member(db, name) for name in ("ann", "ben")}
    late, on_time = await new_doc(client), await new_doc(client)
    runs = {}
    for doc, end_date in ((late, "2020-01-01"), (on_time, "2099-01-01")):
        workflow = await start(client, doc, "ParallelDocumentReview")
        [choose] = await tasks(client, workflowInstanceId=workflow["id"])
        await complete(client, choose, "start_review", participants=list(people), end_date=end_date)
        runs[end_date] = workflow
    opinions = await tasks(client, headers=people["ann"])
    assert {t["dueDate"][:10] for t in opinions} == {"2020-01-01", "2099-01-01"}
    [ann_late] = [t for t in opinions if t["dueDate"].startswith("2020")]
    await complete(client, ann_late, "approve", headers=people["ann"])

    assert await engine.escalate(db, registry, settings) == 1  # ben's late opinion
    assert await engine.escalate(db, registry, settings) == 0  # nothing twice

    [consolidate] = await tasks(client, workflowInstanceId=runs["2020-01-01"]["id"])
    assert consolidate["nodeName"] == "Task2169"
    instance = await (await client.get(f"{API}/workflow/{runs['2020-01-01']['id']}")).json()
    assert "ann : approve" in instance["variables"]["review_result"]
    assert "system : NA" in instance["variables"]["review_result"]
    for headers in people.values():
        waiting = await tasks(client, headers=headers, workflowInstanceId=runs["2099-01-01"]["id"])
        assert [t["nodeName"] for t in waiting] == ["Task328d"]


async def test_a_bad_end_date_is_refused(client):
    doc = await new_doc(client)
    workflow = await start(client, doc, "ParallelDocumentReview")
    [choose] = await tasks(client, workflowInstanceId=workflow["id"])
    body = await complete(
        client, choose, "start_review", status=400, participants=["ann"], end_date="soon"
    )
    assert "Cannot date" in body["message"]
    [still] = await tasks(client, workflowInstanceId=workflow["id"])
    assert still["id"] == choose["id"]


async def test_reassign_delegate_cancel_and_models(client, db):
    alice, bob = await member(db, "alice"), await member(db, "bob")
    doc = await new_doc(client)
    workflow = await start(client, doc, "SerialDocumentReview")
    [choose] = await tasks(client, workflowInstanceId=workflow["id"])
    resp = await client.put(
        f"{API}/task/{choose['id']}/delegate",
        params=[("delegatedActors", "user:alice"), ("comment", "help me")],
    )
    assert resp.status == 200
    [delegated] = await tasks(client, headers=alice)
    assert delegated["delegatedActors"] == [{"id": "user:alice"}]
    resp = await client.put(f"{API}/task/{choose['id']}/reassign", params={"actors": "bob"})
    assert resp.status == 200
    assert await tasks(client, headers=alice) == []
    [mine] = await tasks(client, headers=bob)
    assert mine["actors"] == [{"id": "user:bob"}]
    assert [c["text"] for c in mine["comments"]] == ["help me"]
    # Others may neither see nor cancel the workflow.
    assert (await client.delete(f"{API}/workflow/{workflow['id']}", headers=alice)).status == 404
    assert (await client.delete(f"{API}/workflow/{workflow['id']}")).status == 204
    assert (await client.get(f"{API}/workflow/{workflow['id']}")).status == 404
    assert await tasks(client, headers=bob) == []
    models = await (await client.get(f"{API}/workflowModel")).json()
    assert [m["name"] for m in models["entries"]] == [
        "SerialDocumentReview",
        "ParallelDocumentReview",
    ]
    graph = await (await client.get(f"{API}/workflowModel/SerialDocumentReview/graph")).json()
    assert {"Task38e", "Task6d8", "Task542"} <= {n["id"] for n in graph["nodes"]}
    assert {"nodeSourceId": "Task38e", "nodeTargetId": "Task6d8"}.items() <= next(
        t for t in graph["transitions"] if t["nodeSourceId"] == "Task38e"
    ).items()


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("workflow", {"entity-type": "workflow"}, 400),
        ("workflow", {"entity-type": "workflow", "workflowModelName": "Nope"}, 404),
        ("workflow", {"entity-type": "document", "workflowModelName": "x"}, 400),
        (
            "workflow",
            {
                "entity-type": "workflow",
                "workflowModelName": "SerialDocumentReview",
                "attachedDocumentIds": [str(uuid.uuid4())],
            },
            404,
        ),
        (
            "workflow",
            {
                "entity-type": "workflow",
                "workflowModelName": "SerialDocumentReview",
                "variables": {"participants": 3},
            },
            400,
        ),
    ],
)
async def test_bad_starts_change_nothing(client, path, body, status):
    before = await (await client.get(f"{API}/workflow")).json()
    resp = await client.post(f"{API}/{path}", json=body)
    assert resp.status == status, await resp.text()
    assert (await resp.json())["entity-type"] == "exception"
    after = await (await client.get(f"{API}/workflow")).json()
    assert len(after["entries"]) == len(before["entries"])


async def test_bad_completions(client):
    doc = await new_doc(client)
    workflow = await start(client, doc, "SerialDocumentReview")
    [choose] = await tasks(client, workflowInstanceId=workflow["id"])
    url = f"{API}/task/{choose['id']}/start_review"
    for body in (
        {"entity-type": "task", "variables": {}},  # no id
        {"entity-type": "task", "id": str(uuid.uuid4())},
        {"entity-type": "workflow", "id": choose["id"]},
        {"entity-type": "task", "id": choose["id"], "variables": []},
    ):
        assert (await client.put(url, json=body)).status == 400, body
    resp = await client.put(
        f"{API}/task/{choose['id']}/explode", json={"entity-type": "task", "id": choose["id"]}
    )
    assert resp.status == 400 and "start_review" in (await resp.json())["message"]
    assert (await client.get(f"{API}/task/{uuid.uuid4()}")).status == 404
    assert (await client.get(f"{API}/task/not-an-id")).status == 404
    [still] = await tasks(client, workflowInstanceId=workflow["id"])
    assert still["state"] == "opened"


async def test_graphql_review(client, db):
    alice = await member(db, "alice")
    doc = await new_doc(client)

    async def graphql(query: str, headers=None, **variables) -> dict:
        resp = await client.post(
            "/nuxeo/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body = await resp.json()
        assert "errors" not in body, body
        return body["data"]

    data = await graphql(
        'mutation($d: ID!) { startWorkflow(workflowModelName: "SerialDocumentReview",'
        " documentIds: [$d]) { id state } }",
        d=doc["uid"],
    )
    workflow_id = data["startWorkflow"]["id"]
    data = await graphql(
        "query($w: ID!) { tasks(workflowInstanceId: $w) { id nodeName actions { name } } }",
        w=workflow_id,
    )
    [choose] = data["tasks"]
    assert [a["name"] for a in choose["actions"]] == ["cancel", "start_review"]
    await graphql(
        'mutation($t: ID!, $v: JSON) { completeTask(id: $t, action: "start_review",'
        " variables: $v) { state } }",
        t=choose["id"],
        v={"participants": ["user:alice"]},
    )
    data = await graphql("{ tasks { id name } }", headers=alice)
    [review] = data["tasks"]
    await graphql(
        'mutation($t: ID!) { completeTask(id: $t, action: "validate", comment: "ok")'
        " { state comments } }",
        headers=alice,
        t=review["id"],
    )
    data = await graphql(
        "query($d: ID!) { workflows(documentId: $d) { id } workflowModels { name } }",
        d=doc["uid"],
    )
    assert data["workflows"] == []
    assert "ParallelDocumentReview" in [m["name"] for m in data["workflowModels"]]


def test_switched_off_the_plugin_leaves_nothing_behind():
    on, off = build_registry(enabled=["workflows"]), build_registry(enabled=())
    doors = {"workflow", "workflowModel", "task"}
    assert doors <= set(on.endpoints) and not doors & set(off.endpoints)
    assert {"workflow", "task"} <= set(on.adapters)
    assert not {"workflow", "task"} & set(off.adapters)
    assert not [m for m in off.migrations if m.component == "workflows"]
    fields_on = build_schema(on)._schema.type_map
    fields_off = build_schema(off)._schema.type_map
    assert "Task" in fields_on and "Task" not in fields_off
    for name in ("startWorkflow", "completeTask", "reassignTask", "delegateTask"):
        assert name in fields_on["Mutation"].fields and name not in fields_off["Mutation"].fields
    for name in ("workflowModels", "workflows", "tasks"):
        assert name in fields_on["Query"].fields and name not in fields_off["Query"].fields
    for type_name in ("Document", "File", "Folder"):
        assert {"workflows", "tasks"} <= set(fields_on[type_name].fields)
        assert not {"workflows", "tasks"} & set(fields_off[type_name].fields)
    assert "WorkflowDocumentFields" not in fields_on  # its fields moved to the documents


async def test_documents_show_their_workflows_and_tasks_in_one_batch(client, db, app_database):
    """``Document.workflows`` and ``Document.tasks``, contributed by the plugin
    to every document type: a page of documents costs the same few
    statements whatever its size, and each document sees only its own."""
    alice = await member(db, "alice")
    resp = await client.post(
        f"{API}/path{WS}",
        json={"entity-type": "document", "type": "Folder", "name": f"wfp-{uuid.uuid4().hex[:6]}"},
    )
    folder = await resp.json()
    docs = []
    for i in range(6):
        resp = await client.post(
            f"{API}/id/{folder['uid']}",
            json={"entity-type": "document", "type": "File", "name": f"d{i}"},
        )
        docs.append(await resp.json())
    for doc in docs[:3]:
        workflow = await start(client, doc, "ParallelDocumentReview")
        [choose] = await tasks(client, workflowInstanceId=workflow["id"])
        await complete(
            client, choose, "start_review", participants=["user:alice"], end_date="2030-01-01"
        )
    page = "query($f: ID!) { document(id: $f) { children(pageSize: 20) { entries { title %s } } } }"

    async def run(fields: str, headers=None) -> tuple[list[dict], int]:
        before = app_database.stats.statements
        resp = await client.post(
            "/nuxeo/graphql",
            json={"query": page % fields, "variables": {"f": folder["uid"]}},
            headers=headers,
        )
        body = await resp.json()
        assert "errors" not in body, body
        entries = body["data"]["document"]["children"]["entries"]
        return entries, app_database.stats.statements - before

    for headers, expected_tasks in ((None, []), (alice, ["Task328d"])):
        _, plain = await run("", headers)
        entries, statements = await run("workflows { name } tasks { nodeName }", headers)
        by_title = {e["title"]: e for e in entries}
        for doc in docs[:3]:
            entry = by_title[doc["title"]]
            assert entry["workflows"] == [{"name": "ParallelDocumentReview"}]
            assert [t["nodeName"] for t in entry["tasks"]] == expected_tasks
        for doc in docs[3:]:
            assert by_title[doc["title"]]["workflows"] == []
            assert by_title[doc["title"]]["tasks"] == []
        # Running workflows, open tasks and their instances: three, for six documents.
        assert statements - plain <= 3, (plain, statements)


async def test_workflow_operations(client):
    doc = await new_doc(client)
    resp = await client.post(
        f"{API}/automation/Context.StartWorkflow",
        json={"input": doc["uid"], "params": {"id": "ParallelDocumentReview"}},
    )
    assert resp.status == 200, await resp.text()
    running = await (await client.get(f"{API}/id/{doc['uid']}/@workflow")).json()
    [workflow] = running["entries"]
    assert workflow["workflowModelName"] == "ParallelDocumentReview"
    resp = await client.post(
        f"{API}/automation/WorkflowInstance.Cancel", json={"params": {"id": workflow["id"]}}
    )
    assert resp.status == 204, await resp.text()
    running = await (await client.get(f"{API}/id/{doc['uid']}/@workflow")).json()
    assert running["entries"] == []


async def test_workflow_task_operations(client, db):
    await member(db, "opsreviewer")
    doc = await new_doc(client)
    workflow = await start(client, doc, "ParallelDocumentReview")

    async def automation(op_id: str, input_=None, expect=200, **params):
        body = {"params": params} if input_ is None else {"input": input_, "params": params}
        resp = await client.post(f"{API}/automation/{op_id}", json=body)
        assert resp.status == expect, await resp.text()
        return None if expect == 204 else await resp.json()

    listed = await automation("Workflow.GetOpenTasks", doc["uid"], nodeId="Task2556")
    assert [e["uid"] for e in listed["entries"]] == [doc["uid"]]
    listed = await automation("Workflow.GetOpenTasks", doc["uid"], nodeId="Task328d")
    assert listed["entries"] == []
    await automation(
        "Workflow.SetWorkflowVariables",
        expect=204,
        id=workflow["id"],
        properties={"end_date": "2031-05-01"},
    )
    await automation(
        "Workflow.SetWorkflowVariables",
        expect=400,
        id=workflow["id"],
        properties={"not_declared": "x"},
    )
    [choose] = await tasks(client, workflowInstanceId=workflow["id"])
    await automation(
        "WorkflowTask.Complete",
        expect=204,
        id=choose["id"],
        status="start_review",
        workflowVariables={"participants": ["user:opsreviewer"]},
    )
    instance = await (await client.get(f"{API}/workflow/{workflow['id']}")).json()
    assert instance["variables"]["end_date"] == "2031-05-01"
    graph = await automation("Document.Routing.GetGraph", routeDocId=workflow["id"])
    assert {n["id"] for n in graph["nodes"]} >= {"Task2556", "Task328d", "Task2169"}
