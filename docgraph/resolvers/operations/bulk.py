"""Bulk operations: run an action over a query's documents, wait for it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from docgraph.resolvers import bulk
from docgraph.resolvers.bulk import BulkStatus
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry


@operation(
    "Bulk.RunAction",
    label="Run a bulk command",
    category="Services",
    signature=[("void", "bulkStatus")],
    params=[
        Param("action", required=True, description="setProperties, trash, removeProxy, ..."),
        Param("query", description="NXQL naming the documents"),
        Param("providerName", arg="provider", description="or an NXQL page provider"),
        Param("queryParams", type="stringlist", arg="query_params"),
        Param("batchSize", type="integer", default=bulk.DEFAULT_BATCH_SIZE, arg="batch_size"),
        Param("parameters", type="object", description="the action's parameters (JSON)"),
    ],
    description="Run an action over the documents a query finds, in the background; "
    "its status (Bulk.WaitForAction, GET /bulk/{commandId}).",
)
async def run_action(
    call: OperationCall,
    _input: None,
    *,
    action: str,
    query: str | None,
    provider: str | None,
    query_params: list[str] | None,
    batch_size: int,
    parameters: Any,
) -> BulkStatus:
    return await bulk.submit(
        call.ctx,
        action,
        query=query,
        provider=provider,
        query_params=query_params or [],
        params=bulk.action_parameters(parameters),
        batch_size=batch_size,
    )


@operation(
    "Bulk.WaitForAction",
    label="Wait for a bulk command",
    category="Services",
    signature=[("void", "boolean")],
    waits=True,
    params=[
        Param("commandId", required=True, arg="command_id"),
        Param("timeoutSecond", type="integer", default=60, arg="seconds"),
    ],
    description="Whether the command finished within timeoutSecond seconds (at most the "
    "request time limit).",
)
async def wait_for_action(
    call: OperationCall, _input: None, *, command_id: str, seconds: int
) -> bool:
    return await bulk.wait(call.ctx, command_id, float(seconds))


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
