"""One GraphQL request, from its text to its result.

strawberry builds the schema and wraps the resolvers; the request itself runs
here, on graphql-core directly, because strawberry's per-request machinery
(extension runners, context managers, a new middleware manager) cost more
than reading a document over REST. In order:

1. size: characters and tokens (``limits``);
2. parse, cached by query text; a text that differs from an earlier one only
   in its string literals runs that one's document with its literals as
   variables (``literals``), without being parsed;
3. validation, the standard rules and the depth and alias limits. A query
   that passed is remembered by its *shape*, its tokens with string literals
   masked, so the same query with another id or path is not validated again:
   in this schema a string literal's validity never depends on its value
   (see ``_strings_are_opaque``). Failures are never shared that way, since
   their locations would be another text's;
4. the cost budget, with the request's variables;
5. execution (``executor``); a mutation runs in one unit of work, undone if
   any field failed;
6. errors coded (``extensions.code``), unexpected ones logged and masked.

Before all this, a persisted query's hash becomes its text (``persisted``).
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import strawberry
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLScalarType,
    GraphQLSchema,
    Lexer,
    NoSchemaIntrospectionCustomRule,
    OperationType,
    Source,
    TokenKind,
    get_operation_ast,
    parse,
    specified_rules,
    subscribe,
    validate,
)
from graphql.execution.executor import Executor

from docgraph.resolvers.context import RequestContext
from docgraph.schema import setups
from docgraph.schema.errors import log_unexpected, with_code
from docgraph.schema.executor import executor_for, install_direct_resolvers, shortcuts
from docgraph.schema.limits import (
    Limits,
    cost_refusal,
    query_cost,
    shape_rule,
    text_refusal,
    variables_refusal,
)
from docgraph.schema.literals import Template, scan
from docgraph.schema.persisted import PersistedQueries
from docgraph.schema.setups import Setup, setup_of

K = TypeVar("K")
V = TypeVar("V")

QUERIES_ONLY = frozenset({OperationType.QUERY})
EVERY_OPERATION = frozenset(OperationType)
# Scalars whose literals are valid whatever the string inside them says.
_OPAQUE_STRING_SCALARS = frozenset(
    {"String", "ID", "Boolean", "Int", "Float", "JSON", "Long", "Upload"}
)
_STRING_TOKENS = (TokenKind.STRING, TokenKind.BLOCK_STRING)


class _LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self.items[key] = value
        if len(self.items) > self.size:
            self.items.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A query text parsed and validated: its document, or why it cannot run;
    the cost of each operation whose cost does not depend on variables."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...] = ()
    costs: dict[str | None, int] = field(default_factory=dict)
    # Kept for the document's operations only: an unknown name sent again
    # and again must not grow it.
    setups: dict[str | None, Setup] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Shared:
    """A template (``literals``) and its document, prepared."""

    template: Template
    prepared: Prepared


# A shape seen once (a template is built when it comes again, so that a
# flood of distinct queries pays no template), or whose texts cannot share
# one (each is parsed).
_SEEN_ONCE = object()
_UNSHARED = object()


class _Refused(Exception):
    def __init__(self, error: GraphQLError) -> None:
        self.error = error


def _strings_are_opaque(schema: GraphQLSchema) -> bool:
    return all(
        named.name in _OPAQUE_STRING_SCALARS
        for named in schema.type_map.values()
        if isinstance(named, GraphQLScalarType)
    )


class Pipeline:
    def __init__(
        self,
        schema: strawberry.Schema,
        limits: Limits,
        *,
        introspection: bool = True,
        allow_list: Mapping[str, str] | None = None,
        cache_size: int = 512,
    ) -> None:
        self.schema = schema._schema
        self.limits = limits
        self.persisted = PersistedQueries(allow_list, max_chars=limits.max_query_chars)
        self.rules = [*specified_rules, shape_rule(limits)]
        if not introspection:
            self.rules.append(NoSchemaIntrospectionCustomRule)
        found = shortcuts(self.schema, schema.config.info_class, bool(schema.exception_handlers))
        install_direct_resolvers(self.schema, found)
        self.executor = executor_for(found)
        self.share_shapes = _strings_are_opaque(self.schema)
        self.by_text: _LRU[str, Prepared] = _LRU(cache_size)
        self.valid_shapes: _LRU[str, bool] = _LRU(cache_size)
        self.templates: _LRU[str, _Shared | object] = _LRU(cache_size)

    # -- text to document ---------------------------------------------------

    def prepare(self, query: str) -> Prepared:
        if refused := text_refusal(query, 0, self.limits):
            return Prepared(None, (refused,))  # not cached: the key would be huge
        return self.by_text.get(query) or self._prepare_kept(query)

    def prepare_shared(self, query: str) -> tuple[Prepared, dict[str, str]]:
        """Like ``prepare``, but a text of the same shape as an earlier one
        runs that one's template: its document, and the variables the text's
        literals fill."""
        if refused := text_refusal(query, 0, self.limits):
            return Prepared(None, (refused,)), {}
        prepared = self.by_text.get(query)
        if prepared is not None:
            return prepared, {}
        scanned = scan(query) if self.share_shapes else None
        if scanned is None:
            return self._prepare_kept(query), {}
        shared = self.templates.get(scanned.shape)
        if isinstance(shared, _Shared):
            values = shared.template.bind(scanned.literals)
            if values is not None:
                return shared.prepared, values
        prepared = self._prepare_kept(query)
        if prepared.document is None:
            return prepared, {}
        if shared is None:
            self.templates.put(scanned.shape, _SEEN_ONCE)
        elif shared is _SEEN_ONCE:
            template = Template.build(self.schema, prepared.document, scanned)
            if template is None or validate(self.schema, template.document, self.rules):
                self.templates.put(scanned.shape, _UNSHARED)
            else:
                self.templates.put(scanned.shape, _Shared(template, Prepared(template.document)))
        return prepared, {}

    def _prepare_kept(self, query: str) -> Prepared:
        """A text not in the cache, prepared and kept there."""
        prepared = self._prepare(query)
        self.by_text.put(query, prepared)
        return prepared

    def _prepare(self, query: str) -> Prepared:
        try:
            shape, tokens = self._shape(query)
            if refused := text_refusal(query, tokens, self.limits):
                return Prepared(None, (refused,))
            document = parse(Source(query))
        except GraphQLError as error:
            return Prepared(None, (with_code(error),))
        if shape is not None and self.valid_shapes.get(shape):
            return Prepared(document)
        errors = validate(self.schema, document, self.rules)
        if errors:
            return Prepared(None, tuple(with_code(e) for e in errors))
        if shape is not None:
            self.valid_shapes.put(shape, True)
        return Prepared(document)

    def _shape(self, query: str) -> tuple[str | None, int]:
        """The query's tokens with string literals masked (``None`` when shapes
        are not shared), and how many tokens there are, counted up to one past
        the limit."""
        lexer = Lexer(Source(query))
        parts: list[str] = []
        limit = self.limits.max_tokens
        while len(parts) <= limit:
            token = lexer.advance()
            if token.kind is TokenKind.EOF:
                break
            if token.kind in _STRING_TOKENS:
                parts.append('"')
            else:
                parts.append(token.value if token.value is not None else token.kind.value)
        shape = " ".join(parts) if self.share_shapes and len(parts) <= limit else None
        return shape, len(parts)

    # -- running ------------------------------------------------------------

    async def run(
        self,
        ctx: RequestContext,
        query: str | None,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        allowed: Collection[OperationType] = EVERY_OPERATION,
        extensions: Mapping[str, Any] | None = None,
    ) -> ExecutionResult:
        """``query`` may be ``None`` when ``extensions`` name a persisted one."""
        try:
            text = self.persisted.query(query, extensions)
        except GraphQLError as error:
            return ExecutionResult(None, [error])
        try:
            result = await self._run(ctx, text, dict(variables or {}), operation_name, allowed)
        except _Refused as refused:
            return ExecutionResult(None, [refused.error])
        return self._coded(result)

    async def _run(
        self,
        ctx: RequestContext,
        query: str,
        variables: dict[str, Any],
        operation_name: str | None,
        allowed: Collection[OperationType],
    ) -> ExecutionResult:
        prepared, literals = self.prepare_shared(query)
        if prepared.document is None:
            return ExecutionResult(None, list(prepared.errors))
        if literals:
            variables = {**variables, **literals}
        document = prepared.document
        setup = self._setup(prepared, operation_name)
        operation = (
            setup.operation if setup is not None else get_operation_ast(document, operation_name)
        )
        if operation is not None and operation.operation not in allowed:
            raise _Refused(
                GraphQLError(
                    f"{operation.operation.value.capitalize()} operations are not allowed here",
                    extensions={"code": "operation_not_allowed"},
                )
            )
        if refused := self._refusal(prepared, operation_name, variables):
            raise _Refused(refused)
        if operation is None or operation.operation is not OperationType.MUTATION:
            return await self._execute(ctx, prepared, setup, variables, operation_name)
        result = None
        try:
            async with ctx.unit_of_work():
                result = await self._execute(ctx, prepared, setup, variables, operation_name)
                if result.errors:
                    raise _Undo
        except _Undo:
            pass
        assert result is not None
        return result

    async def subscribe(
        self,
        ctx: RequestContext,
        query: str | None,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> ExecutionResult | AsyncGenerator[ExecutionResult, None]:
        """A subscription's stream of results; any other operation's one result
        (how GraphQL over WebSocket runs them all)."""
        try:
            text = self.persisted.query(query, extensions)
        except GraphQLError as error:
            return ExecutionResult(None, [error])
        prepared = self.prepare(text)
        document = prepared.document
        operation = None if document is None else get_operation_ast(document, operation_name)
        if operation is None or operation.operation is not OperationType.SUBSCRIPTION:
            return await self.run(ctx, text, variables, operation_name)
        assert document is not None
        values = dict(variables or {})
        if refused := self._refusal(prepared, operation_name, values):
            return ExecutionResult(None, [refused])
        stream = subscribe(
            self.schema,
            document,
            context_value=ctx,
            variable_values=values,
            operation_name=operation_name,
        )
        if not isinstance(stream, ExecutionResult | AsyncIterator):
            stream = await stream
        if isinstance(stream, ExecutionResult):
            return self._coded(stream)
        return self._coded_stream(stream)

    async def _coded_stream(
        self, stream: AsyncIterator[ExecutionResult]
    ) -> AsyncGenerator[ExecutionResult, None]:
        async with contextlib.aclosing(stream) as results:  # type: ignore[type-var]
            async for result in results:
                yield self._coded(result)

    @staticmethod
    def _coded(result: ExecutionResult) -> ExecutionResult:
        if result.errors:
            log_unexpected(result.errors)
            result.errors = [with_code(e) for e in result.errors]
        return result

    def _refusal(
        self, prepared: Prepared, operation_name: str | None, variables: dict[str, Any]
    ) -> GraphQLError | None:
        """Variables nested too deep, or a cost over the budget."""
        return variables_refusal(variables, self.limits) or cost_refusal(
            self._cost(prepared, operation_name, variables), self.limits
        )

    def _cost(
        self, prepared: Prepared, operation_name: str | None, variables: dict[str, Any]
    ) -> int:
        cost = prepared.costs.get(operation_name)
        if cost is None:
            assert prepared.document is not None
            cost, variable = query_cost(
                self.schema, prepared.document, operation_name, variables, self.limits
            )
            if not variable:
                prepared.costs[operation_name] = cost
        return cost

    async def _execute(
        self,
        ctx: RequestContext,
        prepared: Prepared,
        setup: Setup | None,
        variables: dict[str, Any],
        operation_name: str | None,
    ) -> ExecutionResult:
        # What graphql-core's ``execute`` does, without its checks for
        # incremental delivery: the schema has no @defer nor @stream.
        executor = self._executor(ctx, prepared, setup, variables, operation_name)
        if isinstance(executor, list):  # variables that do not fit their types
            return ExecutionResult(None, executor)
        try:
            result = executor.execute_operation()
            if isinstance(result, ExecutionResult):
                return result
            # Without incremental delivery, the awaitable gives one result.
            return await cast(Awaitable[ExecutionResult], result)
        finally:
            # The executor refers to itself through these: left as a cycle,
            # it and all the request's values would wait for the garbage
            # collector.
            del executor.async_helpers

    def _setup(self, prepared: Prepared, operation_name: str | None) -> Setup | None:
        """The operation's setup, kept with the parsed query once found."""
        assert prepared.document is not None
        setup = prepared.setups.get(operation_name)
        if setup is None:
            setup = setup_of(self.schema, prepared.document, operation_name)
            if setup is not None:
                prepared.setups[operation_name] = setup
        return setup

    def _executor(
        self,
        ctx: RequestContext,
        prepared: Prepared,
        setup: Setup | None,
        variables: dict[str, Any],
        operation_name: str | None,
    ) -> Executor | list[GraphQLError]:
        """The operation's executor, from its setup when that can coerce the
        variables; errors when they do not fit their types."""
        assert prepared.document is not None
        if setup is not None:
            built = setups.build(self.executor, self.schema, setup, ctx, variables)
            if built is not None:
                return built
        return self.executor.build(
            self.schema, prepared.document, context_value=ctx,
            raw_variable_values=variables, operation_name=operation_name,
        )  # fmt: skip


class _Undo(Exception):
    """Raised inside a mutation's unit of work to undo it."""
