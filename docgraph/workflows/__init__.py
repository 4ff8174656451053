"""Workflows and tasks, shipped as a plugin (``docgraph.plugins`` entry point
``workflows``), registered only through the public extension contract:
endpoints, adapters, operations, writers, GraphQL fields, migrations and a
periodic escalation of its own.
Disable it (``DOCGRAPH_DISABLED_PLUGINS=workflows``) and every workflow
endpoint, adapter and field is gone.
"""

from __future__ import annotations

from pathlib import Path

from docgraph.plugins import Adapter, Endpoint, Periodic, Registry, Writer
from docgraph.resolvers.model import Document
from docgraph.workflows import engine, operations, rest
from docgraph.workflows.engine import Instance, InstanceList, ModelList, Task, TaskList
from docgraph.workflows.graphql import (
    WorkflowDocumentFields,
    WorkflowMutation,
    WorkflowQuery,
    graphql_types,
)
from docgraph.workflows.models import WorkflowModel

_ALL = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE"})
# How often overdue tasks are looked for: a task ends at most this late.
ESCALATION_INTERVAL = 60.0


def register(registry: Registry) -> None:
    registry.add_migrations(Path(__file__).with_name("migrations"), component="workflows")
    registry.add_operations(operations)
    registry.add_endpoint(Endpoint("workflow", rest.workflow_endpoint, _ALL))
    registry.add_endpoint(Endpoint("workflowModel", rest.model_endpoint))
    registry.add_endpoint(Endpoint("task", rest.task_endpoint, _ALL))
    registry.add_adapter(
        Adapter("workflow", rest.workflow_adapter, accepts=(Document,), methods=_ALL)
    )
    registry.add_adapter(Adapter("task", rest.task_adapter, accepts=(Document,), methods=_ALL))
    registry.add_writer(Writer(Instance, rest.write_instance, entity="workflow"))
    registry.add_writer(Writer(WorkflowModel, rest.write_model, entity="workflow"))
    registry.add_writer(Writer(Task, rest.write_task, entity="task"))
    registry.add_writer(Writer(InstanceList, rest.write_instances))
    registry.add_writer(Writer(ModelList, rest.write_models))
    registry.add_writer(Writer(TaskList, rest.write_tasks))
    registry.add_writer(Writer(rest.Graph, rest.write_graph))
    registry.add_periodic(Periodic("workflow escalation", engine.escalate, ESCALATION_INTERVAL))
    registry.add_graphql(
        query=WorkflowQuery,
        mutation=WorkflowMutation,
        types=graphql_types(),
        document=WorkflowDocumentFields,
    )
