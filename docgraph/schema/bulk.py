"""Bulk commands in GraphQL: the same engine calls as ``Bulk.RunAction``,
``/bulk/{commandId}`` and its abort."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from strawberry.scalars import JSON

from docgraph.resolvers import bulk
from docgraph.resolvers.typesystem.coerce import format_date
from docgraph.schema.documents import Context

if TYPE_CHECKING:
    from docgraph.plugins import Registry


@strawberry.type(description="A bulk command: an action run over the documents a query found.")
class BulkCommand:
    id: strawberry.ID
    action: str
    username: str
    state: str = strawberry.field(description="SCHEDULED, RUNNING, COMPLETED or ABORTED")
    total: int | None = strawberry.field(description="Documents found (once scrolled).")
    processed: int
    error_count: int = strawberry.field(name="errorCount")
    error_message: str | None = strawberry.field(name="errorMessage")
    submitted: str
    completed: str | None

    @classmethod
    def of(cls, status: bulk.BulkStatus) -> BulkCommand:
        return cls(
            id=strawberry.ID(str(status.id)),
            action=status.action,
            username=status.username,
            state=status.state,
            total=status.total,
            processed=status.processed,
            error_count=status.error_count,
            error_message=status.error_message,
            submitted=format_date(status.submitted),
            completed=None if status.completed is None else format_date(status.completed),
        )


@strawberry.type
class BulkQuery:
    @strawberry.field(
        name="bulkCommand",
        description="A bulk command of yours (any, for an administrator).",
    )
    async def bulk_command(self, info: Context, id: strawberry.ID) -> BulkCommand:
        return BulkCommand.of(await bulk.status(info.context, str(id)))


@strawberry.type
class BulkMutation:
    @strawberry.mutation(
        name="runBulkAction",
        description="Run an action (setProperties, trash, removeProxy, automation, ...) over "
        "the documents an NXQL query or page provider finds, in the background.",
    )
    async def run_bulk_action(
        self,
        info: Context,
        action: str,
        query: str | None = None,
        provider_name: str | None = None,
        query_params: list[str] | None = None,
        parameters: JSON | None = None,
        batch_size: int = bulk.DEFAULT_BATCH_SIZE,
    ) -> BulkCommand:

        status = await bulk.submit(
            info.context,
            action,
            query=query,
            provider=provider_name,
            query_params=query_params or [],
            params=bulk.action_parameters(parameters),
            batch_size=batch_size,
        )
        return BulkCommand.of(status)

    @strawberry.mutation(
        name="abortBulkCommand",
        description="Stop a command: at once if it has not started, else after its batch.",
    )
    async def abort_bulk_command(self, info: Context, id: strawberry.ID) -> BulkCommand:
        return BulkCommand.of(await bulk.abort(info.context, str(id)))


def register(registry: Registry) -> None:
    registry.add_graphql(query=BulkQuery, mutation=BulkMutation)
