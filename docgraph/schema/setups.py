"""What graphql-core's ``Executor.build`` works out again for every request,
worked out once per parsed query and kept with it.

``build`` finds the operation and the fragments by walking the document, then
coerces the variables: for each definition it builds the variable's type from
its AST again, checks the value's nesting, coerces it and records where it
came from: some 13 of the 300 µs of CPU of a ``document(id:)`` read, measured
in process. The inline ids the pipeline turns into ``String``/``ID``
variables pay it too.

A ``Setup`` keeps the operation, the fragments and each variable's signature.
When every variable is a ``String`` or an ``ID`` without a default and each
value sent is a string (or a nullable one is absent), the values are the
coerced values, as graphql-core's coercion would leave them. Anything else —
another type, a default, a value of another kind, a missing non-null
variable, fragment arguments — is built by graphql-core, which coerces and
reports exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLID,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLString,
    OperationDefinitionNode,
)
from graphql.execution.collect_fields import FragmentDetails
from graphql.execution.executor import (
    Executor,
    default_field_resolver,
    default_type_resolver,
)
from graphql.execution.get_variable_signature import (
    GraphQLVariableSignature,
    get_variable_signature,
)
from graphql.execution.values import VariableValues, VariableValueSource
from graphql.pyutils import Undefined

_STRINGS = (GraphQLString, GraphQLID)


@dataclass(frozen=True, slots=True)
class Setup:
    """One operation of a parsed query, ready for an executor; shared by all
    its requests (graphql-core reads the fragments, never changes them)."""

    operation: OperationDefinitionNode
    fragment_definitions: dict[str, FragmentDefinitionNode]
    fragments: dict[str, FragmentDetails]
    # (name, signature, non-null) of each variable, all String or ID without
    # a default; None when some other variable asks for graphql-core's coercion.
    strings: tuple[tuple[str, GraphQLVariableSignature, bool], ...] | None

    def variables(self, raw: dict[str, Any]) -> VariableValues | None:
        """The coerced variables, or None when graphql-core must coerce them."""
        if self.strings is None:
            return None
        sources: dict[str, VariableValueSource] = {}
        coerced: dict[str, Any] = {}
        for name, signature, non_null in self.strings:
            value = raw.get(name, Undefined)
            if value is Undefined and not non_null:
                sources[name] = VariableValueSource(signature)
                continue
            if type(value) is not str:
                return None
            sources[name] = VariableValueSource(signature, value)
            coerced[name] = value
        return VariableValues(sources, coerced)


def setup_of(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> Setup | None:
    """The document's setup for ``operation_name``; None when graphql-core
    has something to report (no such operation, several without a name) or
    the document's fragments take arguments."""
    operation: OperationDefinitionNode | None = None
    fragment_definitions: dict[str, FragmentDefinitionNode] = {}
    fragments: dict[str, FragmentDetails] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            if operation_name is None:
                if operation is not None:
                    return None
                operation = definition
            elif definition.name is not None and definition.name.value == operation_name:
                operation = definition
        elif isinstance(definition, FragmentDefinitionNode):
            if definition.variable_definitions:
                return None
            fragment_definitions[definition.name.value] = definition
            fragments[definition.name.value] = FragmentDetails(definition, None)
    if operation is None:
        return None
    return Setup(operation, fragment_definitions, fragments, _strings(schema, operation))


def _strings(
    schema: GraphQLSchema, operation: OperationDefinitionNode
) -> tuple[tuple[str, GraphQLVariableSignature, bool], ...] | None:
    strings = []
    for definition in operation.variable_definitions or ():
        if definition.default_value is not None:
            return None
        signature = get_variable_signature(schema, definition)
        if isinstance(signature, GraphQLError):
            return None
        non_null = isinstance(signature.type, GraphQLNonNull)
        named = signature.type.of_type if non_null else signature.type  # type: ignore[union-attr]
        if named not in _STRINGS:
            return None
        strings.append((signature.name, signature, non_null))
    return tuple(strings)


def build(
    executor: type[Executor], schema: GraphQLSchema, setup: Setup, context: Any, raw: dict[str, Any]
) -> Executor | None:
    """What ``executor.build`` would give for these variables, or None when
    only graphql-core's coercion can tell."""
    variables = setup.variables(raw)
    if variables is None:
        return None
    return executor(
        schema,
        setup.fragment_definitions,
        setup.fragments,
        None,
        context,
        setup.operation,
        variables,
        default_field_resolver,
        default_type_resolver,
        default_field_resolver,
    )
