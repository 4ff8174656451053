"""``@op/{operationId}``: run an operation with the left-hand value as input."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest
from docgraph.gateway.nuxeo.automation import execute_request
from docgraph.plugins import Adapter, Call
from docgraph.resolvers.context import RequestContext

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def run_operation(
    ctx: RequestContext, subject: Any, args: tuple[str, ...], call: Call
) -> Any:
    if len(args) != 1:
        raise BadRequest("@op needs exactly one operation id: @op/{operationId}")
    return await execute_request(ctx, args[0], call, implicit_input=subject)


def register(registry: Registry) -> None:
    registry.add_adapter(Adapter("op", run_operation, methods=frozenset({"POST"})))
