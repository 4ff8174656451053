"""Running workflows: start an instance, open tasks, complete them, follow
transitions, end; reassign, delegate, cancel. Every step runs in the
request's unit of work: tasks appear and disappear in the transaction that
moves the instance on.

Who may act: a task's actors (``user:name``, or ``group:name`` for its
members) and delegated actors, the instance's initiator and administrators.
Only the initiator, administrators and power users cancel an instance.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from docgraph.db.pool import Database
from docgraph.errors import BadRequest, Conflict, DocGraphError, Forbidden, NotFound
from docgraph.resolvers import documents, lifecycle, permissions
from docgraph.resolvers.accounts import POWERUSERS
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.model import Document, DocumentList, IdRef
from docgraph.resolvers.operations.execute import execute, require
from docgraph.resolvers.typesystem.coerce import format_date, parse_date
from docgraph.workflows import storage
from docgraph.workflows.expressions import ExpressionError, evaluate
from docgraph.workflows.models import (
    CREATED_TASK,
    CREATED_TASK_MODELS,
    CREATED_TASK_PER_ACTOR,
    DEFAULT_MODELS,
    END,
    START,
    TASK,
    Node,
    WorkflowModel,
)

if TYPE_CHECKING:
    from docgraph.plugins import Registry
    from docgraph.settings import Settings

log = logging.getLogger(__name__)

MODELS: dict[str, WorkflowModel] = {
    m.name: m for m in (*DEFAULT_MODELS, CREATED_TASK, CREATED_TASK_PER_ACTOR)
}
ROUTING = "Routing"
MAX_LISTED = 1000
MAX_ACTORS = 100
# Transitions followed in one step, at most: a model that loops without a
# task stops here instead of spinning.
MAX_HOPS = 100
SYSTEM = Principal(permissions.SYSTEM, is_administrator=True)


@dataclass(frozen=True, slots=True)
class Instance:
    id: UUID
    model: WorkflowModel
    state: str
    initiator: str
    document_ids: tuple[UUID, ...]
    variables: dict[str, Any]
    node_variables: dict[str, Any]
    created: datetime

    @classmethod
    def from_record(cls, r: Any) -> Instance:
        return cls(
            id=r["id"],
            model=model(r["model"]),
            state=r["state"],
            initiator=r["initiator"],
            document_ids=tuple(r["document_ids"]),
            variables=dict(r["variables"]),
            node_variables=dict(r["node_variables"]),
            created=r["created"],
        )


@dataclass(frozen=True, slots=True)
class Task:
    id: UUID
    instance: Instance
    node: Node
    state: str
    actors: tuple[str, ...]
    delegated_actors: tuple[str, ...]
    comments: list[dict[str, Any]]
    variables: dict[str, Any]
    button: str | None
    created: datetime
    due_date: datetime | None

    @classmethod
    def from_record(cls, r: Any, instance: Instance) -> Task:
        return cls(
            id=r["id"],
            instance=instance,
            node=instance.model.node(r["node_id"]),
            state=r["state"],
            actors=tuple(r["actors"]),
            delegated_actors=tuple(r["delegated_actors"]),
            comments=list(r["comments"]),
            variables=dict(r["variables"]),
            button=r["button"],
            created=r["created"],
            due_date=r["due_date"],
        )


class ModelList(list[WorkflowModel]):
    """The models ``GET /workflowModel`` lists."""


class InstanceList(list[Instance]):
    """Instances, as ``GET /workflow`` lists them."""


class TaskList(list[Task]):
    """Tasks, as ``GET /task`` lists them."""


def model(name: str) -> WorkflowModel:
    found = MODELS.get(name)
    if found is None:
        raise NotFound(f"Workflow model not found: {name[:100]}")
    return found


def models() -> ModelList:
    return ModelList(m for m in MODELS.values() if m.name not in CREATED_TASK_MODELS)


def _actor_names(principal: Principal) -> list[str]:
    return [f"user:{principal.username}", *(f"group:{g}" for g in principal.groups)]


def _as_system(ctx: RequestContext) -> RequestContext:
    """The same request acting as the system (what a model does by itself:
    the lifecycle transition at its end), in the same transaction."""
    return dataclasses.replace(ctx, principal=SYSTEM)


# -- starting ----------------------------------------------------------------


async def start(
    ctx: RequestContext,
    model_name: str,
    document_ids: Sequence[str],
    variables: Mapping[str, Any] | None = None,
) -> Instance:
    """Start ``model_name`` on the documents (each writable by the user)."""
    if model_name in CREATED_TASK_MODELS:
        raise NotFound(f"Workflow model not found: {model_name}")
    return await _start(ctx, model(model_name), document_ids, variables, permissions.WRITE)


async def _start(
    ctx: RequestContext,
    chosen: WorkflowModel,
    document_ids: Sequence[str],
    variables: Mapping[str, Any] | None,
    permission: str,
) -> Instance:
    docs: list[Document] = []
    for doc_id in dict.fromkeys(document_ids):
        doc = await documents.get(ctx, IdRef(doc_id))
        await permissions.check(ctx, doc, permission)
        docs.append(doc)
    values = {**chosen.variables, **_known(chosen.variables, variables or {})}
    row = await storage.insert_instance(
        ctx.work.db,
        uuid4(),
        ctx.repository,
        chosen.name,
        ctx.principal.username,
        [d.id for d in docs],
        values,
    )
    instance = Instance.from_record(row)
    if chosen.name in CREATED_TASK_MODELS:  # a task, not a workflow, in the log
        _announce(ctx, instance, docs, "task_assigned", "workflowTaskAssigned")
    else:
        _announce(ctx, instance, docs, "workflow_started", "afterWorkflowStarted")
    return await _enter(ctx, instance, chosen.start, docs)


async def create_task(
    ctx: RequestContext,
    doc: Document,
    *,
    name: str,
    actors: Sequence[str],
    directive: str | None = None,
    comment: str | None = None,
    due: str | None = None,
    accept_chain: str | None = None,
    reject_chain: str | None = None,
    one_per_actor: bool = False,
) -> Instance:
    """A task on ``doc`` outside any workflow (``Task.Create``), for ``actors``
    ("user:x", "group:y"; a bare name is a user); accepting or rejecting it
    runs the chain given for that, on the document, as the one who ends it.
    ``due``: an ISO date (none: the default delay)."""
    permissions.check_read(ctx, doc)
    if not name.strip() or len(name) > 256:
        raise BadRequest("A task name has 1 to 256 characters")
    for chain in (accept_chain, reject_chain):
        if chain:
            require(ctx, chain)  # 404 now rather than when the task ends
    variables = {
        "taskName": name,
        "directive": directive,
        "comment": comment,
        "actors": _actors(actors),
        "dueDate": due,
        "acceptChain": accept_chain or None,
        "rejectChain": reject_chain or None,
    }
    chosen = CREATED_TASK_PER_ACTOR if one_per_actor else CREATED_TASK
    return await _start(ctx, chosen, [doc.uid], variables, permissions.READ)


def _known(declared: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The values of declared variables among ``given`` (others are not the
    model's: ignored, as Nuxeo does), checked against the declared kind."""
    out: dict[str, Any] = {}
    for name, value in given.items():
        if name not in declared:
            continue
        default = declared[name]
        if isinstance(default, list):
            if isinstance(value, str):
                value = [v for v in value.split(",") if v]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise BadRequest(f"Variable {name} takes a list of strings")
            if len(value) > MAX_ACTORS:
                raise BadRequest(f"Variable {name} takes at most {MAX_ACTORS} values")
        elif isinstance(default, int) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, int):
                raise BadRequest(f"Variable {name} takes an integer")
        elif value is not None and not isinstance(value, str | int | float | bool):
            raise BadRequest(f"Variable {name} takes a plain value")
        out[name] = value
    return out


# -- moving on ---------------------------------------------------------------


async def _enter(
    ctx: RequestContext, instance: Instance, node: Node, docs: Sequence[Document] | None = None
) -> Instance:
    """Walk from ``node`` until a task node opens its tasks or an end node
    ends the instance."""
    for _ in range(MAX_HOPS):
        if node.kind == TASK:
            await _open_tasks(ctx, instance, node)
            return await _save(ctx, instance)
        if node.kind == END:
            return await _end(ctx, instance, node, docs)
        assert node.kind == START
        node, instance = _follow(instance, node, None)
    raise Conflict(f"Workflow {instance.id} loops without a task")


def _scope(instance: Instance, node: Node, button: str | None, actor: str) -> dict[str, Any]:
    return {
        "workflow": instance.variables,
        "node": instance.node_variables.get(node.id, {}),
        "button": button,
        "initiator": instance.initiator,
        "actor": actor,
    }


def _follow(instance: Instance, node: Node, button: str | None) -> tuple[Node, Instance]:
    """The first transition whose condition holds, its updates applied."""
    scope = _scope(instance, node, button, "")
    for transition in node.transitions:
        try:
            taken = transition.condition is None or evaluate(transition.condition, scope)
            if not taken:
                continue
            updated = dict(instance.variables)
            for name, expression in transition.updates.items():
                updated[name] = evaluate(expression, scope)
        except ExpressionError as exc:
            raise BadRequest(f"Workflow {instance.model.name} cannot go on: {exc}") from None
        moved = dataclasses.replace(instance, variables=updated)
        return instance.model.node(transition.target), moved
    raise BadRequest(f"No transition out of {node.id} for button {button!r}")


async def _open_tasks(ctx: RequestContext, instance: Instance, node: Node) -> None:
    assert node.assignees is not None
    try:
        actors = evaluate(node.assignees, _scope(instance, node, None, ""))
    except ExpressionError as exc:
        raise BadRequest(f"Cannot assign {node.id}: {exc}") from None
    actors = [a for a in actors or [] if isinstance(a, str) and a]
    if not actors:
        raise BadRequest(f"Nobody to assign {node.id} of {instance.model.name} to")
    groups = [[a] for a in actors] if node.multiple_tasks else [actors]
    due = _due_date(instance, node)
    for assigned in groups:
        await storage.insert_task(
            ctx.work.db, uuid4(), instance.id, node.id, assigned, dict(node.variables), due
        )


def _due_date(instance: Instance, node: Node) -> datetime:
    """When the node's tasks are due: its ``due`` expression's date (an ISO
    date or date-time), else ``due_days`` from now."""
    if node.due is not None:
        try:
            value = evaluate(node.due, _scope(instance, node, None, ""))
            if isinstance(value, str) and value.strip():
                return parse_date(value)
        except (ExpressionError, ValueError) as exc:
            raise BadRequest(f"Cannot date the tasks of {node.id}: {exc}") from None
    return datetime.now(UTC) + timedelta(days=node.due_days)


async def _save(ctx: RequestContext, instance: Instance, state: str = "running") -> Instance:
    row = await storage.update_instance(
        ctx.work.db, instance.id, state, instance.variables, instance.node_variables
    )
    return Instance.from_record(row)


async def _end(
    ctx: RequestContext, instance: Instance, node: Node, docs: Sequence[Document] | None
) -> Instance:
    attached = list(docs) if docs is not None else await _documents(ctx, instance)
    if node.lifecycle_transition:
        system = _as_system(ctx)
        for doc in attached:
            if node.lifecycle_transition in lifecycle.allowed_transitions(system, doc):
                await lifecycle.follow_transition(system, doc, node.lifecycle_transition)
    await storage.cancel_open_tasks(ctx.work.db, instance.id)
    ended = await _save(ctx, instance, node.final_state)
    kind = "afterWorkflowCanceled" if node.final_state == "canceled" else "afterWorkflowFinish"
    if instance.model.name not in CREATED_TASK_MODELS:
        _announce(ctx, ended, attached, "workflow_ended", kind)
    return ended


async def _documents(ctx: RequestContext, instance: Instance) -> list[Document]:
    """The attached documents that still exist (read as the system: the
    model acts on them whoever completes the last task)."""
    found = await ctx.loaders.by_id.load_many(list(instance.document_ids))
    return [d for d in found if d is not None]


def _announce(
    ctx: RequestContext,
    instance: Instance,
    docs: Sequence[Document],
    kind: str,
    audit_event: str,
    **details: Any,
) -> None:
    """A change event on each attached document, named for the audit log."""
    now = datetime.now(UTC)
    extra = (
        ("audit_event", audit_event),
        ("audit_category", ROUTING),
        ("workflow_id", str(instance.id)),
        ("model", instance.model.name),
        *details.items(),
    )
    for doc in docs:
        ctx.work.emit(ctx, documents.change(ctx, kind, doc, now, extra))


# -- tasks -------------------------------------------------------------------


async def get_task(ctx: RequestContext, task_id: str, *, for_update: bool = False) -> Task:
    try:
        key = UUID(task_id)
    except ValueError:
        raise NotFound(f"Task not found: {task_id[:64]}") from None
    db = ctx.work.db if for_update else ctx.db
    row = await storage.task(db, key, for_update=for_update)
    if row is None:
        raise NotFound(f"Task not found: {task_id[:64]}")
    instance_row = await storage.instance(db, row["instance_id"], for_update=for_update)
    assert instance_row is not None  # tasks go with their instance
    task = Task.from_record(row, Instance.from_record(instance_row))
    _check_sees(ctx, task)
    return task


def _may_act(ctx: RequestContext, task: Task) -> bool:
    principal = ctx.principal
    if principal.is_administrator or task.instance.initiator == principal.username:
        return True
    return bool(set(_actor_names(principal)) & {*task.actors, *task.delegated_actors})


def _check_sees(ctx: RequestContext, task: Task) -> None:
    if not _may_act(ctx, task):
        raise NotFound(f"Task not found: {task.id}")


async def complete(
    ctx: RequestContext,
    task_id: str,
    button: str,
    *,
    comment: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> Task:
    """End a task with one of its node's buttons; the instance moves on once
    every task of the node has ended."""
    task = await get_task(ctx, task_id, for_update=True)
    if task.state != "opened":
        raise Conflict(f"Task {task.id} is already {task.state}")
    node = task.node
    chosen = node.button(button)
    if chosen is None:
        names = ", ".join(b.id for b in node.buttons)
        raise BadRequest(f"Task {task.id} has no button {button[:64]!r} (buttons: {names})")
    given = dict(variables or {})
    instance = task.instance
    workflow_values = {**instance.variables, **_known(instance.model.variables, given)}
    node_values = {**task.variables, **_known(node.variables, given)}
    if comment is not None:
        node_values["comment"] = comment
    for name in chosen.requires:
        if not workflow_values.get(name) and not node_values.get(name):
            raise BadRequest(f"{name} is required to {button}")
    actor = ctx.principal.username
    comments = task.comments
    if comment:
        comments = [*comments, {"author": actor, "text": comment, "date": _now()}]
    ended_row = await storage.end_task(
        ctx.work.db, task.id, "ended", button, actor, node_values, comments
    )
    scope = _scope(instance, node, button, actor)
    scope["workflow"] = workflow_values
    try:
        for name, expression in node.on_task_end.items():
            workflow_values[name] = evaluate(expression, scope)
    except ExpressionError as exc:
        raise BadRequest(f"Workflow {instance.model.name} cannot go on: {exc}") from None
    instance = dataclasses.replace(
        instance,
        variables=workflow_values,
        node_variables={**instance.node_variables, node.id: {**node_values, "button": button}},
    )
    docs = await _documents(ctx, instance)
    if instance.model.name in CREATED_TASK_MODELS:
        chain = instance.variables.get("acceptChain" if button == "accept" else "rejectChain")
        if chain:
            await execute(ctx, chain, DocumentList(docs))
    _announce(
        ctx,
        instance,
        docs,
        "task_completed",
        "workflowTaskCompleted",
        task=node.title,
        button=button,
    )
    if await storage.open_tasks_of_node(ctx.work.db, instance.id, node.id):
        instance = await _save(ctx, instance)
    else:
        target, instance = _follow(instance, node, button)
        instance = await _enter(ctx, instance, target, docs)
    return Task.from_record(ended_row, instance)


def _now() -> str:
    return format_date(datetime.now(UTC))


def _actors(values: Sequence[str]) -> list[str]:
    if not values or len(values) > MAX_ACTORS:
        raise BadRequest(f"Give 1 to {MAX_ACTORS} actors")
    out = []
    for value in values:
        if not isinstance(value, str) or not value.strip() or len(value) > 256:
            raise BadRequest("An actor is user:name, group:name or a user name")
        out.append(value if value.startswith(("user:", "group:")) else f"user:{value}")
    return out


async def reassign(
    ctx: RequestContext, task_id: str, actors: Sequence[str], comment: str | None = None
) -> Task:
    """Give an open task to other actors (its actors, the initiator, administrators)."""
    return await _transfer(ctx, task_id, actors, comment, delegate=False)


async def delegate(
    ctx: RequestContext, task_id: str, actors: Sequence[str], comment: str | None = None
) -> Task:
    """Let others act on an open task too, its actors keeping it."""
    return await _transfer(ctx, task_id, actors, comment, delegate=True)


async def _transfer(
    ctx: RequestContext, task_id: str, actors: Sequence[str], comment: str | None, *, delegate: bool
) -> Task:
    chosen = _actors(actors)
    task = await get_task(ctx, task_id, for_update=True)
    if task.state != "opened":
        raise Conflict(f"Task {task.id} is already {task.state}")
    comments = task.comments
    if comment:
        comments = [*comments, {"author": ctx.principal.username, "text": comment, "date": _now()}]
    new_actors = task.actors if delegate else tuple(chosen)
    delegated = tuple(dict.fromkeys([*task.delegated_actors, *chosen])) if delegate else ()
    row = await storage.update_task_actors(ctx.work.db, task.id, new_actors, delegated, comments)
    kind = "workflowTaskDelegated" if delegate else "workflowTaskReassigned"
    docs = await _documents(ctx, task.instance)
    _announce(ctx, task.instance, docs, "task_transferred", kind, actors=",".join(chosen))
    return Task.from_record(row, task.instance)


async def tasks(
    ctx: RequestContext,
    *,
    user: str | None = None,
    instance_id: str | None = None,
    model_name: str | None = None,
    document: Document | None = None,
) -> TaskList:
    """Open tasks: the user's own (another user's for administrators), of an
    instance, a model or a document."""
    principal = ctx.principal
    if user is not None and user != principal.username and not principal.is_administrator:
        raise Forbidden("Only administrators list the tasks of others")
    actors = (
        _actor_names(principal) if user is None or user == principal.username else [f"user:{user}"]
    )
    try:
        instance_key = None if instance_id is None else UUID(instance_id)
    except ValueError:
        return TaskList()
    if document is not None:
        permissions.check_read(ctx, document)
    rows = await storage.open_tasks(
        ctx.db,
        actors=actors,
        instance_id=instance_key,
        model=model_name,
        document=None if document is None else document.id,
        limit=MAX_LISTED,
    )
    instances = {
        r["id"]: Instance.from_record(r)
        for r in await storage.instances(ctx.db, list({r["instance_id"] for r in rows}))
    }
    return TaskList(Task.from_record(r, instances[r["instance_id"]]) for r in rows)


# -- instances ---------------------------------------------------------------


async def get_instance(ctx: RequestContext, instance_id: str) -> Instance:
    try:
        key = UUID(instance_id)
    except ValueError:
        raise NotFound(f"Workflow not found: {instance_id[:64]}") from None
    row = await storage.instance(ctx.db, key)
    if row is None or not _is_workflow(row):
        raise NotFound(f"Workflow not found: {instance_id[:64]}")
    instance = Instance.from_record(row)
    principal = ctx.principal
    if not (principal.is_administrator or instance.initiator == principal.username):
        visible = await tasks(ctx, instance_id=instance_id)
        if not visible:
            raise NotFound(f"Workflow not found: {instance_id[:64]}")
    return instance


async def running(
    ctx: RequestContext, *, model_name: str | None = None, document: Document | None = None
) -> InstanceList:
    """Running instances the user started, or (``document``) attached to a
    document the user may read."""
    if document is not None:
        permissions.check_read(ctx, document)
    rows = await storage.running(
        ctx.db,
        initiator=None if document is not None else ctx.principal.username,
        model=model_name,
        document=None if document is None else document.id,
        limit=MAX_LISTED,
    )
    return InstanceList(Instance.from_record(r) for r in rows if _is_workflow(r))


async def running_on(ctx: RequestContext, docs: Sequence[Document]) -> list[InstanceList]:
    """For each document, the running instances attached to it (a page of
    documents in one statement)."""
    for doc in docs:
        permissions.check_read(ctx, doc)
    rows = await storage.running_on_documents(ctx.db, [d.id for d in docs], MAX_LISTED)
    found: dict[UUID, InstanceList] = {doc.id: InstanceList() for doc in docs}
    for row in rows:
        if _is_workflow(row):
            found[row["doc_key"]].append(Instance.from_record(row))
    return [found[doc.id] for doc in docs]


def _is_workflow(row: Any) -> bool:
    """Not the instance behind a task made by Task.Create."""
    return row["model"] not in CREATED_TASK_MODELS


async def tasks_on(ctx: RequestContext, docs: Sequence[Document]) -> list[TaskList]:
    """For each document, the open tasks on it the user may act on (a page
    of documents in two statements)."""
    for doc in docs:
        permissions.check_read(ctx, doc)
    actors = _actor_names(ctx.principal)
    rows = await storage.open_tasks_on_documents(ctx.db, actors, [d.id for d in docs], MAX_LISTED)
    instances = {
        r["id"]: Instance.from_record(r)
        for r in await storage.instances(ctx.db, list({r["instance_id"] for r in rows}))
    }
    found: dict[UUID, TaskList] = {doc.id: TaskList() for doc in docs}
    for row in rows:
        found[row["doc_key"]].append(Task.from_record(row, instances[row["instance_id"]]))
    return [found[doc.id] for doc in docs]


# -- escalation ---------------------------------------------------------------

# Overdue tasks ended per run of the escalation; the rest wait for the next.
ESCALATION_BATCH = 500


async def escalate(database: Database, registry: Registry, settings: Settings) -> int:
    """End, as the system, the open tasks past their due date whose node
    names an escalation button; each in its own unit of work, so that one
    that cannot go on leaves the others alone. Returns how many ended."""
    nodes = [(m.name, n.id) for m in models() for n in m.nodes if n.escalation]
    if not nodes:
        return 0
    overdue = await storage.overdue_tasks(database, nodes, datetime.now(UTC), ESCALATION_BATCH)
    ended = 0
    for row in overdue:
        ctx = RequestContext(SYSTEM, row["repository"], database.session(), registry, settings)
        try:
            async with ctx.unit_of_work():
                task = await get_task(ctx, str(row["id"]), for_update=True)
                if task.state == "opened" and task.node.escalation:
                    await complete(ctx, str(task.id), task.node.escalation)
                    ended += 1
        except DocGraphError:
            log.warning("workflow task %s could not be escalated", row["id"], exc_info=True)
        finally:
            await ctx.close()
    return ended


async def _managed(ctx: RequestContext, instance_id: str, action: str) -> Instance:
    """The instance, its row locked, for its initiator, administrators and
    power users (``action`` says what they do, for the refusal)."""
    instance = await get_instance(ctx, instance_id)
    principal = ctx.principal
    if not (
        principal.is_administrator
        or POWERUSERS in principal.groups
        or instance.initiator == principal.username
    ):
        raise Forbidden(f"Only its initiator, administrators and power users {action}")
    locked = await storage.instance(ctx.work.db, instance.id, for_update=True)
    if locked is None:
        raise NotFound(f"Workflow not found: {instance_id[:64]}")
    return Instance.from_record(locked)


async def set_variables(
    ctx: RequestContext, instance_id: str, values: Mapping[str, Any]
) -> Instance:
    """Set variables the instance's model declares (others are refused)."""
    instance = await _managed(ctx, instance_id, "set a workflow's variables")
    unknown = [name for name in values if name not in instance.model.variables]
    if unknown:
        raise BadRequest(f"Workflow {instance.model.name} has no variable {unknown[0][:64]!r}")
    updated = dataclasses.replace(instance, variables={**instance.variables, **values})
    return await _save(ctx, updated)


async def cancel(ctx: RequestContext, instance_id: str) -> None:
    """Cancel and remove an instance with its tasks."""
    instance = await _managed(ctx, instance_id, "cancel a workflow")
    docs = await _documents(ctx, instance)
    _announce(ctx, instance, docs, "workflow_ended", "afterWorkflowCanceled")
    await storage.delete_instance(ctx.work.db, instance.id)
