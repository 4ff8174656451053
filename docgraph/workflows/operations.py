"""Workflow operations: start one on documents from a chain, cancel one,
complete and list tasks, set a running workflow's variables, its graph."""

from __future__ import annotations

from typing import Any

from docgraph.errors import BadRequest
from docgraph.resolvers.model import Document, DocumentList, GeneratedFile
from docgraph.resolvers.operations.directories import json_blob
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation
from docgraph.workflows import engine, rest

_CATEGORY = "Workflow Context"


@operation(
    "Context.StartWorkflow",
    label="Start workflow",
    category=_CATEGORY,
    signature=[("document", "document")],
    collector=True,
    writes=True,
    params=[
        Param("id", required=True, arg="model_name", description="the workflow model"),
        Param("start", type="boolean", default=True),
        Param("variables", type="properties"),
    ],
    description="Start a workflow on the input document; its id goes in the context "
    "variables WorkflowId and workflowInstanceId.",
)
async def start_workflow(
    call: OperationCall,
    doc: Document,
    *,
    model_name: str,
    start: bool,
    variables: dict[str, Any] | None,
) -> Document:
    if not start:
        raise BadRequest("Workflows start when created: start=false is not supported")
    instance = await engine.start(call.ctx, model_name, [doc.uid], variables or {})
    call.vars["WorkflowId"] = call.vars["workflowInstanceId"] = str(instance.id)
    return doc


@operation(
    "WorkflowInstance.Cancel",
    aliases=["Context.CancelWorkflow"],
    label="Cancel Workflow",
    category=_CATEGORY,
    signature=[("void", "void")],
    params=[Param("id", required=True, arg="instance_id")],
    description="Cancel a workflow (its initiator, administrators and power users).",
)
async def cancel_workflow(call: OperationCall, _input: None, *, instance_id: str) -> None:
    await engine.cancel(call.ctx, instance_id)


@operation(
    "WorkflowTask.Complete",
    aliases=["Workflow.CompleteTaskOperation"],
    label="Complete task",
    category=_CATEGORY,
    signature=[("void", "void"), ("document", "document")],
    writes=True,
    params=[
        Param("id", required=True, arg="task_id", description="the task"),
        Param("status", required=True, description="the button: its id"),
        Param("comment"),
        Param("nodeVariables", type="properties", arg="node_variables"),
        Param("workflowVariables", type="properties", arg="workflow_variables"),
    ],
    description="End a task with one of its buttons, as PUT /task/{id}/{button} does.",
)
async def complete_task(
    call: OperationCall,
    value: Document | None,
    *,
    task_id: str,
    status: str,
    comment: str | None,
    node_variables: dict[str, Any] | None,
    workflow_variables: dict[str, Any] | None,
) -> Document | None:
    variables = {**(workflow_variables or {}), **(node_variables or {})}
    await engine.complete(call.ctx, task_id, status, comment=comment, variables=variables)
    return value


@operation(
    "Workflow.GetOpenTasks",
    aliases=["Context.GetOpenTasks"],
    label="Get open tasks",
    category=_CATEGORY,
    signature=[("document", "documents")],
    collector=True,
    params=[
        Param("nodeId", arg="node_id"),
        Param("processId", aliases=("workflowInstanceId",), arg="instance_id"),
        Param("username"),
    ],
    description="The documents of the open tasks on the input document one may act on "
    "(of a node, a workflow, a user); their task ids go in the context variable taskIds.",
)
async def open_tasks(
    call: OperationCall,
    doc: Document,
    *,
    node_id: str | None,
    instance_id: str | None,
    username: str | None,
) -> DocumentList:
    found = await engine.tasks(call.ctx, user=username, instance_id=instance_id, document=doc)
    chosen = [t for t in found if node_id is None or t.node.id == node_id]
    call.vars["taskIds"] = [str(t.id) for t in chosen]
    return DocumentList([doc] if chosen else [])


@operation(
    "Task.Create",
    aliases=["Workflow.CreateTask"],
    label="Create task",
    category=_CATEGORY,
    signature=[("document", "document")],
    collector=True,
    params=[
        Param("task name", required=True, arg="name"),
        Param("due date", type="date", arg="due"),
        Param("directive"),
        Param("comment"),
        Param("accept operation chain", arg="accept_chain", description="run on accept"),
        Param("reject operation chain", arg="reject_chain", description="run on reject"),
        Param(
            "variable name for actors prefixed ids",
            arg="actors_variable",
            description="a context variable holding actors (user:x, group:y)",
        ),
        Param("additional list of actors prefixed ids", type="stringlist", arg="more_actors"),
        Param("create one task per actor", type="boolean", default=True, arg="one_per_actor"),
    ],
    description="A task on the input document, outside any workflow: its actors accept or "
    "reject it (PUT /task/{id}/accept or /reject), which runs the chain given for that.",
)
async def create_task(
    call: OperationCall,
    doc: Document,
    *,
    name: str,
    due: str | None,
    directive: str | None,
    comment: str | None,
    accept_chain: str | None,
    reject_chain: str | None,
    actors_variable: str | None,
    more_actors: list[str] | None,
    one_per_actor: bool,
) -> Document:
    actors: list[str] = []
    if actors_variable:
        held = call.vars.get(actors_variable)
        if isinstance(held, str):
            held = [held]
        if not isinstance(held, list) or not all(isinstance(a, str) for a in held):
            raise BadRequest(f"The context variable {actors_variable[:64]} holds no actors")
        actors += held
    actors += more_actors or []
    await engine.create_task(
        call.ctx,
        doc,
        name=name,
        actors=list(dict.fromkeys(actors)),
        directive=directive,
        comment=comment,
        due=due,
        accept_chain=accept_chain,
        reject_chain=reject_chain,
        one_per_actor=one_per_actor,
    )
    return doc


@operation(
    "Workflow.SetWorkflowVariables",
    label="Set workflow variables",
    category=_CATEGORY,
    signature=[("void", "void"), ("document", "document")],
    writes=True,
    params=[
        Param("id", required=True, arg="instance_id", description="the workflow"),
        Param("properties", type="properties", required=True, arg="values"),
    ],
    description="Set variables the workflow's model declares (its initiator, "
    "administrators and power users).",
)
async def set_workflow_variables(
    call: OperationCall, value: Document | None, *, instance_id: str, values: dict[str, Any]
) -> Document | None:
    await engine.set_variables(call.ctx, instance_id, values)
    return value


@operation(
    "Document.Routing.GetGraph",
    label="Get workflow graph",
    category=_CATEGORY,
    signature=[("void", "blob")],
    params=[Param("routeDocId", required=True, arg="instance_id"), Param("language")],
    description="A workflow's graph (nodes, transitions, where it waits) as JSON.",
)
async def workflow_graph(
    call: OperationCall, _input: None, *, instance_id: str, language: str | None
) -> GeneratedFile:
    instance = await engine.get_instance(call.ctx, instance_id)
    found = rest.graph(instance.model, await rest.current_nodes(call.ctx, instance))
    return json_blob(found, "graph.json")
