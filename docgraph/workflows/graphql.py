"""Workflows in GraphQL: models, running workflows, open tasks, and the
mutations that start, complete, reassign, delegate and cancel — the same
engine calls as the REST endpoints."""

from __future__ import annotations

from typing import Annotated, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from docgraph.errors import BadRequest
from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import IdRef
from docgraph.resolvers.typesystem.coerce import format_date
from docgraph.schema.documents import Document
from docgraph.workflows import engine
from docgraph.workflows.engine import Instance, Task
from docgraph.workflows.models import WorkflowModel

Context = Info[RequestContext, None]
ModelName = Annotated[str | None, strawberry.argument(name="workflowModelName")]
DocumentId = Annotated[strawberry.ID | None, strawberry.argument(name="documentId")]


@strawberry.type(name="WorkflowModel", description="A workflow model one may start.")
class ModelType:
    name: str
    title: str
    description: str
    variables: JSON

    @classmethod
    def of(cls, model: WorkflowModel) -> ModelType:
        return cls(
            name=model.name,
            title=model.title,
            description=model.description,
            variables=cast(JSON, dict(model.variables)),
        )


@strawberry.type(name="Workflow", description="A running (or ended) workflow instance.")
class WorkflowType:
    id: strawberry.ID
    name: str
    title: str
    state: str
    initiator: str
    attached_document_ids: list[strawberry.ID] = strawberry.field(name="attachedDocumentIds")
    variables: JSON

    @classmethod
    def of(cls, instance: Instance) -> WorkflowType:
        return cls(
            id=strawberry.ID(str(instance.id)),
            name=instance.model.name,
            title=instance.model.title,
            state=instance.state,
            initiator=instance.initiator,
            attached_document_ids=[strawberry.ID(str(i)) for i in instance.document_ids],
            variables=cast(JSON, instance.variables),
        )


@strawberry.type(name="TaskAction", description="A button of a task.")
class ActionType:
    name: str
    label: str
    validate: bool


@strawberry.type(name="Task", description="A task of a workflow, for its actors.")
class TaskType:
    id: strawberry.ID
    name: str
    directive: str
    node_name: str = strawberry.field(name="nodeName")
    state: str
    workflow_instance_id: strawberry.ID = strawberry.field(name="workflowInstanceId")
    workflow_model_name: str = strawberry.field(name="workflowModelName")
    target_document_ids: list[strawberry.ID] = strawberry.field(name="targetDocumentIds")
    actors: list[str]
    delegated_actors: list[str] = strawberry.field(name="delegatedActors")
    created: str
    due_date: str | None = strawberry.field(name="dueDate")
    comments: JSON
    variables: JSON
    actions: list[ActionType]

    @classmethod
    def of(cls, task: Task) -> TaskType:
        instance = task.instance
        return cls(
            id=strawberry.ID(str(task.id)),
            name=task.node.title,
            directive=task.node.directive,
            node_name=task.node.id,
            state=task.state,
            workflow_instance_id=strawberry.ID(str(instance.id)),
            workflow_model_name=instance.model.name,
            target_document_ids=[strawberry.ID(str(i)) for i in instance.document_ids],
            actors=list(task.actors),
            delegated_actors=list(task.delegated_actors),
            created=format_date(task.created),
            due_date=None if task.due_date is None else format_date(task.due_date),
            comments=cast(JSON, task.comments),
            variables=cast(JSON, task.variables),
            actions=[
                ActionType(name=b.id, label=b.label, validate=b.validate) for b in task.node.buttons
            ],
        )


@strawberry.type
class WorkflowQuery:
    @strawberry.field(name="workflowModels")
    def workflow_models(self) -> list[ModelType]:
        return [ModelType.of(m) for m in engine.models()]

    @strawberry.field(description="Running workflows: those one started, or those on a document.")
    async def workflows(
        self, info: Context, document_id: DocumentId = None, workflow_model_name: ModelName = None
    ) -> list[WorkflowType]:
        ctx = info.context
        doc = None if document_id is None else await documents.get(ctx, IdRef(str(document_id)))
        found = await engine.running(ctx, model_name=workflow_model_name, document=doc)
        return [WorkflowType.of(i) for i in found]

    @strawberry.field(description="Open tasks one may act on (of a workflow, model or document).")
    async def tasks(
        self,
        info: Context,
        workflow_instance_id: Annotated[
            strawberry.ID | None, strawberry.argument(name="workflowInstanceId")
        ] = None,
        workflow_model_name: ModelName = None,
        document_id: DocumentId = None,
    ) -> list[TaskType]:
        ctx = info.context
        doc = None if document_id is None else await documents.get(ctx, IdRef(str(document_id)))
        found = await engine.tasks(
            ctx,
            instance_id=None if workflow_instance_id is None else str(workflow_instance_id),
            model_name=workflow_model_name,
            document=doc,
        )
        return [TaskType.of(t) for t in found]


@strawberry.type(name="WorkflowDocumentFields")
class WorkflowDocumentFields:
    """Fields every document gets (``registry.add_graphql(document=...)``),
    each batched over the documents of a page."""

    @strawberry.field(description="The running workflows this document is attached to.")
    async def workflows(
        self, info: Context, document: strawberry.Parent[Document]
    ) -> list[WorkflowType]:
        found = await info.context.loaders.per_document(engine.running_on, document.model)
        return [WorkflowType.of(i) for i in found]

    @strawberry.field(description="The open tasks on this document one may act on.")
    async def tasks(self, info: Context, document: strawberry.Parent[Document]) -> list[TaskType]:
        found = await info.context.loaders.per_document(engine.tasks_on, document.model)
        return [TaskType.of(t) for t in found]


def _values(variables: JSON | None) -> dict[str, object]:
    if variables is None:
        return {}
    if not isinstance(variables, dict):
        raise BadRequest("variables must be a JSON object")
    return variables


@strawberry.type
class WorkflowMutation:
    @strawberry.mutation(name="startWorkflow")
    async def start_workflow(
        self,
        info: Context,
        workflow_model_name: Annotated[str, strawberry.argument(name="workflowModelName")],
        document_ids: Annotated[
            list[strawberry.ID] | None, strawberry.argument(name="documentIds")
        ] = None,
        variables: JSON | None = None,
    ) -> WorkflowType:
        instance = await engine.start(
            info.context,
            workflow_model_name,
            [str(i) for i in document_ids or []],
            _values(variables),
        )
        return WorkflowType.of(instance)

    @strawberry.mutation(name="completeTask", description="End a task with one of its buttons.")
    async def complete_task(
        self,
        info: Context,
        id: strawberry.ID,
        action: str,
        comment: str | None = None,
        variables: JSON | None = None,
    ) -> TaskType:
        task = await engine.complete(
            info.context, str(id), action, comment=comment, variables=_values(variables)
        )
        return TaskType.of(task)

    @strawberry.mutation(name="reassignTask")
    async def reassign_task(
        self, info: Context, id: strawberry.ID, actors: list[str], comment: str | None = None
    ) -> TaskType:
        return TaskType.of(await engine.reassign(info.context, str(id), actors, comment))

    @strawberry.mutation(name="delegateTask")
    async def delegate_task(
        self, info: Context, id: strawberry.ID, actors: list[str], comment: str | None = None
    ) -> TaskType:
        return TaskType.of(await engine.delegate(info.context, str(id), actors, comment))

    @strawberry.mutation(name="cancelWorkflow")
    async def cancel_workflow(self, info: Context, id: strawberry.ID) -> bool:
        await engine.cancel(info.context, str(id))
        return True


def graphql_types() -> tuple[type, ...]:
    return (ModelType, WorkflowType, TaskType, ActionType)
