"""Workflow operations: start one on documents from a chain, cancel one."""

from __future__ import annotations

from typing import Any

from docgraph.errors import BadRequest
from docgraph.resolvers.model import Document
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation
from docgraph.workflows import engine

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
