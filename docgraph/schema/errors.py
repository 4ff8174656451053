"""docgraph errors as GraphQL errors: the code goes to ``extensions.code``;
anything unexpected is logged and masked; a failed mutation keeps no write."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from docgraph.errors import DocGraphError

log = logging.getLogger(__name__)

UNEXPECTED = "Unexpected error."


def with_code(error: GraphQLError) -> GraphQLError:
    """The error as clients see it: with ``extensions.code``, masked if unexpected."""
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    if isinstance(original, DocGraphError):
        code, message = original.code, error.message
    elif original is None or isinstance(original, GraphQLError):
        # Syntax, validation and variable errors: the request's, not ours.
        code = "invalid_variables" if error.message.startswith("Variable '$") else "invalid_query"
        message = error.message
    else:
        code, message = "internal", UNEXPECTED
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={**(error.extensions or {}), "code": code},
    )


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [with_code(e) for e in result.errors]


def log_unexpected(errors: list[GraphQLError]) -> None:
    """Client mistakes are answered, not logged; anything else is a bug."""
    for error in errors:
        original = error.original_error
        if original is not None and not isinstance(original, DocGraphError | GraphQLError):
            log.error("GraphQL resolver failed: %s", error.message, exc_info=original)


class _Rollback(Exception):
    """Raised inside the mutation's transaction to undo it."""


class AtomicMutations(SchemaExtension):
    """A mutation request is one unit of work: if any field fails, no field's
    writes are kept."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if execution.operation_type is not OperationType.MUTATION:
            yield
            return
        ctx = execution.context
        try:
            async with ctx.unit_of_work():
                yield
                if execution.result is not None and execution.result.errors:
                    raise _Rollback
        except _Rollback:
            pass
