"""The REST side of workflows: ``/workflow``, ``/workflowModel``, ``/task``,
``@workflow`` and ``@task``, and the JSON of Nuxeo's routing REST API."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.nuxeo.request import query_values, require_method
from docgraph.gateway.nuxeo.writers import Created
from docgraph.plugins import Call, Output
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document
from docgraph.resolvers.typesystem.coerce import format_date
from docgraph.workflows import engine
from docgraph.workflows.engine import Instance, InstanceList, ModelList, Task, TaskList
from docgraph.workflows.models import CREATED_TASK_MODELS, END, START, WorkflowModel

_READ = frozenset({"GET", "HEAD"})
_LIST = frozenset({"GET", "HEAD", "POST"})
_ONE = frozenset({"GET", "HEAD", "DELETE"})
_PUT = frozenset({"PUT"})


# -- endpoints ---------------------------------------------------------------


async def workflow_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/workflow``, ``/workflow/{id}``, ``/workflow/{id}/graph``."""
    if not args:
        require_method(call, _LIST, "workflow")
        if call.method == "POST":
            body = await _workflow_body(call)
            return Created(
                await engine.start(
                    ctx, body["workflowModelName"], _ids(body), body.get("variables") or {}
                )
            )
        return await engine.running(ctx, model_name=call.query.get("workflowModelName"))
    if len(args) == 1:
        require_method(call, _ONE, "workflow/{id}")
        if call.method == "DELETE":
            await engine.cancel(ctx, args[0])
            return None
        return await engine.get_instance(ctx, args[0])
    if len(args) == 2 and args[1] == "graph":
        require_method(call, _READ, "workflow/{id}/graph")
        instance = await engine.get_instance(ctx, args[0])
        return graph(instance.model, await current_nodes(ctx, instance))
    raise NotFound(f"No such resource: workflow/{'/'.join(args)}")


async def model_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/workflowModel``, ``/workflowModel/{name}``, ``.../graph``."""
    require_method(call, _READ, "workflowModel")
    if not args:
        return engine.models()
    found = engine.model(args[0])
    if len(args) == 1:
        return found
    if args[1:] == ("graph",):
        return graph(found, set())
    raise NotFound(f"No such resource: workflowModel/{'/'.join(args)}")


async def task_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/task``, ``/task/{id}``, ``/task/{id}/reassign``, ``/task/{id}/delegate``,
    ``/task/{id}/{action}``."""
    if not args:
        require_method(call, _READ, "task")
        query = call.query
        return await engine.tasks(
            ctx,
            user=query.get("userId"),
            instance_id=query.get("workflowInstanceId"),
            model_name=query.get("workflowModelName"),
        )
    if len(args) == 1:
        require_method(call, _READ, "task/{id}")
        return await engine.get_task(ctx, args[0])
    if len(args) == 2:
        return await _task_action(ctx, args[0], args[1], call)
    raise NotFound(f"No such resource: task/{'/'.join(args)}")


async def _task_action(ctx: RequestContext, task_id: str, action: str, call: Call) -> Any:
    require_method(call, _PUT, f"task/{{id}}/{action}")
    comment = call.query.get("comment")
    if action == "reassign":
        await engine.reassign(ctx, task_id, query_values(call.query, "actors"), comment)
        return web.Response(status=200)
    if action == "delegate":
        await engine.delegate(ctx, task_id, query_values(call.query, "delegatedActors"), comment)
        return web.Response(status=200)
    body = await call.json()
    if not isinstance(body, dict) or body.get("entity-type") != "task":
        raise BadRequest("The body must be a JSON task entity")
    if body.get("id") != task_id:
        raise BadRequest("The task's id must be repeated in the body")
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        raise BadRequest("variables must be a JSON object")
    comment = body.get("comment") or variables.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise BadRequest("comment must be a string")
    return await engine.complete(ctx, task_id, action, comment=comment, variables=variables)


async def workflow_adapter(
    ctx: RequestContext, doc: Document, args: tuple[str, ...], call: Call
) -> Any:
    """``@workflow``: the workflows running on the document; POST starts one."""
    if args:
        raise NotFound(f"No such resource: @workflow/{'/'.join(args)}")
    if call.method == "POST":
        body = await _workflow_body(call)
        return Created(
            await engine.start(
                ctx, body["workflowModelName"], [doc.uid], body.get("variables") or {}
            )
        )
    return await engine.running(ctx, document=doc)


async def task_adapter(
    ctx: RequestContext, doc: Document, args: tuple[str, ...], call: Call
) -> Any:
    """``@task``: the user's open tasks on the document; ``@task/{id}/{action}``."""
    if not args:
        require_method(call, _READ, "@task")
        return await engine.tasks(ctx, document=doc)
    if len(args) == 2:
        return await _task_action(ctx, args[0], args[1], call)
    raise NotFound(f"No such resource: @task/{'/'.join(args)}")


async def _workflow_body(call: Call) -> dict[str, Any]:
    body = await call.json()
    if not isinstance(body, dict) or body.get("entity-type") != "workflow":
        raise BadRequest("The body must be a JSON workflow entity")
    if not isinstance(body.get("workflowModelName"), str):
        raise BadRequest("workflowModelName is required")
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise BadRequest("variables must be a JSON object")
    return body


def _ids(body: dict[str, Any]) -> list[str]:
    """``attachedDocumentIds``: a list of ids (or of ``{"id": ...}``), or one id."""
    given = body.get("attachedDocumentIds") or []
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, list) or len(given) > engine.MAX_LISTED:
        raise BadRequest("attachedDocumentIds must be a list of document ids")
    ids = [g.get("id") if isinstance(g, dict) else g for g in given]
    found = [i for i in ids if isinstance(i, str)]
    if len(found) != len(ids):
        raise BadRequest("attachedDocumentIds must be a list of document ids")
    return found


async def current_nodes(ctx: RequestContext, instance: Instance) -> set[str]:
    found = await engine.tasks(ctx, instance_id=str(instance.id))
    return {t.node.id for t in found}


# -- JSON --------------------------------------------------------------------


def _link(out: Output, tail: str) -> str:
    return f"{out.ctx.base_url}api/v1/{tail}"


def instance_json(out: Output, instance: Instance) -> dict[str, Any]:
    return {
        "entity-type": "workflow",
        "id": str(instance.id),
        "name": instance.model.name,
        "title": instance.model.title,
        "state": instance.state,
        "workflowModelName": instance.model.name,
        "initiator": instance.initiator,
        "attachedDocumentIds": [{"id": str(i)} for i in instance.document_ids],
        "variables": instance.variables,
        "graphResource": _link(out, f"workflow/{instance.id}/graph"),
    }


def model_json(out: Output, model: WorkflowModel) -> dict[str, Any]:
    return {
        "entity-type": "workflow",
        "id": model.name,
        "name": model.name,
        "title": model.title,
        "state": "validated",
        "workflowModelName": model.name,
        "initiator": None,
        "attachedDocumentIds": [],
        "variables": dict(model.variables),
        "graphResource": _link(out, f"workflowModel/{model.name}/graph"),
    }


def task_json(out: Output, task: Task) -> dict[str, Any]:
    instance = task.instance
    workflow: dict[str, Any] = {
        "workflowInstanceId": str(instance.id),
        "workflowModelName": instance.model.name,
        "workflowInitiator": instance.initiator,
        "workflowTitle": instance.model.title,
        "workflowLifeCycleState": instance.state,
        "graphResource": _link(out, f"workflow/{instance.id}/graph"),
    }
    name, directive, comments = task.node.title, task.node.directive, task.comments
    if instance.model.name in CREATED_TASK_MODELS:
        # Task.Create: no workflow to show; the task says what it is itself.
        workflow = {**dict.fromkeys(workflow), "workflowInitiator": instance.initiator}
        name = instance.variables.get("taskName") or ""
        directive = instance.variables.get("directive") or ""
        if first := instance.variables.get("comment"):
            created = format_date(task.created)
            comments = [{"author": instance.initiator, "text": first, "date": created}, *comments]
    return {
        "entity-type": "task",
        "id": str(task.id),
        "name": name,
        **workflow,
        "state": task.state,
        "directive": directive,
        "created": format_date(task.created),
        "dueDate": None if task.due_date is None else format_date(task.due_date),
        "nodeName": task.node.id,
        "targetDocumentIds": [{"id": str(i)} for i in instance.document_ids],
        "actors": [{"id": a} for a in task.actors],
        "delegatedActors": [{"id": a} for a in task.delegated_actors],
        "comments": comments,
        "variables": task.variables,
        "taskInfo": {
            "allowTaskReassignment": False,
            "taskActions": [
                {
                    "name": b.id,
                    "url": _link(out, f"task/{task.id}/{b.id}"),
                    "label": b.label,
                    "validate": b.validate,
                }
                for b in task.node.buttons
            ],
        },
    }


class Graph(dict[str, Any]):
    """A model's graph, written as it is."""


def graph(model: WorkflowModel, current: set[str]) -> Graph:
    """The model's nodes (laid out left to right, in declaration order) and
    transitions; the nodes waiting on tasks are ``suspended``."""
    return Graph(
        {
            "nodes": [
                {
                    "id": node.id,
                    "title": node.title,
                    "x": 100 + 220 * index,
                    "y": 100,
                    "isStartNode": node.kind == START,
                    "isEndNode": node.kind == END,
                    "isMerge": False,
                    "isMultiTask": node.multiple_tasks,
                    "hasSubWorkflow": False,
                    "state": "suspended" if node.id in current else None,
                }
                for index, node in enumerate(model.nodes)
            ],
            "transitions": [
                {
                    "nodeSourceId": node.id,
                    "nodeTargetId": t.target,
                    "label": t.label or t.target,
                    "path": [],
                }
                for node in model.nodes
                for t in node.transitions
            ],
        }
    )


async def write_instance(out: Output, instance: Instance) -> dict[str, Any]:
    return instance_json(out, instance)


async def write_model(out: Output, model: WorkflowModel) -> dict[str, Any]:
    return model_json(out, model)


async def write_task(out: Output, task: Task) -> dict[str, Any]:
    return task_json(out, task)


async def write_instances(out: Output, found: InstanceList) -> dict[str, Any]:
    return {"entity-type": "workflows", "entries": [instance_json(out, i) for i in found]}


async def write_models(out: Output, found: ModelList) -> dict[str, Any]:
    return {"entity-type": "workflows", "entries": [model_json(out, m) for m in found]}


async def write_graph(out: Output, found: Graph) -> dict[str, Any]:
    return found


async def write_tasks(out: Output, found: TaskList) -> dict[str, Any]:
    return {"entity-type": "tasks", "entries": [task_json(out, t) for t in found]}
