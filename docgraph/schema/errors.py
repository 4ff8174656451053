"""docgraph errors as GraphQL errors: the code goes to ``extensions.code``;
anything unexpected is logged and masked."""

from __future__ import annotations

import logging

from graphql import GraphQLError

from docgraph.errors import DocGraphError

log = logging.getLogger(__name__)

UNEXPECTED = "Unexpected error."


def with_code(error: GraphQLError) -> GraphQLError:
    """The error as clients see it: with ``extensions.code``, masked if unexpected."""
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    details = {}
    if isinstance(original, DocGraphError):
        code, message, details = original.code, error.message, original.details()
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
        extensions={**(error.extensions or {}), **details, "code": code},
    )


def log_unexpected(errors: list[GraphQLError]) -> None:
    """Client mistakes are answered, not logged; anything else is a bug."""
    for error in errors:
        original = error.original_error
        if original is not None and not isinstance(original, DocGraphError | GraphQLError):
            log.error("GraphQL resolver failed: %s", error.message, exc_info=original)
