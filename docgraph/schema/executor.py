"""graphql-core's executor, with short cuts that give the same answers.

graphql-core completes a result field by field and item by item: for every
field of every object a path, a resolve-info record, the resolver call
(through strawberry's wrapper, which converts the arguments again on each
call), then completion through several generic steps. A page of documents
with their children pays that thousands of times.

1. **Plain fields** — an attribute of the object its parent resolver built,
   of a scalar type (or a list of one), without arguments — are read and
   returned directly when the value is already its own serialisation.
2. **Batched completion.** In a query, an object value (of an object,
   interface or union type) or a list of them is completed level by level:
   each field of a selection is resolved for every item of the level at
   once, its arguments coerced once, resolvers written for strawberry called
   directly with them (no resolve info built for those that take none), and
   the awaitables of the whole level gathered together (so DataLoaders still
   see one batch per level). Abstract values are grouped by runtime type.
3. **Collected selections are kept** with their parsed operation, when no
   directive or fragment argument lets variables change them: the same query
   sent again does not walk its selections again.

Anything unusual — an error, a null where the type forbids it, a value that
is not a strawberry object, a value that needs coercion — abandons the batch and completes the
same resolved value with graphql-core's generic path, which produces its
exact data and errors. Queries do not write, so resolving again is safe;
mutations always take the generic path.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from graphql import (
    FieldNode,
    GraphQLBoolean,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLString,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_scalar_type,
)
from graphql.execution.executor import Executor
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined

# strawberry marks the resolver of a field without one of its own, and links
# each GraphQL field to its own definition.
_STRAWBERRY_DEFAULT = "_is_default"
_STRAWBERRY_DEFINITION = "strawberry-definition"

# Python values that a scalar serialises as themselves. Not Int (32 bits) nor
# Float (finite): they check their range, and are few per document anyway.
_IDENTITY: dict[Any, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}


class PlainField:
    """How to answer one plain field: the attribute, and what the value's
    type (or, for a list, its items' type) must be for it to be its own
    serialisation."""

    __slots__ = ("attribute", "exact", "many", "non_null")

    def __init__(self, attribute: str, leaf: GraphQLLeafType, many: bool, non_null: bool) -> None:
        self.attribute = attribute
        self.exact = _IDENTITY.get(leaf)
        self.many = many
        self.non_null = non_null

    def serialised(self, value: Any) -> bool:
        """Whether ``value`` (not null) is already its own serialisation."""
        exact = self.exact
        if exact is None:
            return False
        if not self.many:
            return type(value) is exact
        return type(value) is list and all(type(item) is exact for item in value)


@dataclass(frozen=True, slots=True)
class DirectCall:
    """A strawberry resolver called without strawberry's per-call wrapper:
    its arguments are scalars (strawberry would pass them on unchanged), so
    they are renamed once per level, not converted once per item."""

    function: Callable[..., Any]
    definition: Any  # the strawberry field, for its Info
    info_class: type
    python_names: dict[str, str]
    pass_self: bool
    source_names: tuple[str, ...]  # root= or parent= parameters
    info_name: str | None

    def kwargs(self, args: dict[str, Any]) -> dict[str, Any]:
        return {self.python_names[name]: value for name, value in args.items()}

    def resolver(self) -> Callable[..., Any]:
        """A GraphQL resolver doing what strawberry's wrapper does for this field."""

        def resolve(source: Any, info: GraphQLResolveInfo, **args: Any) -> Any:
            return self(source, info, self.kwargs(args))

        return resolve

    def __call__(self, source: Any, info: GraphQLResolveInfo, kwargs: dict[str, Any]) -> Any:
        kwargs = dict(kwargs)
        for name in self.source_names:
            kwargs[name] = source
        if self.info_name is not None:
            kwargs[self.info_name] = self.info_class(_raw_info=info, _field=self.definition)
        return self.function(source, **kwargs) if self.pass_self else self.function(**kwargs)


@dataclass(frozen=True, slots=True)
class Shortcuts:
    plain: dict[tuple[str, str], PlainField]
    direct: dict[tuple[str, str], DirectCall]


def shortcuts(schema: GraphQLSchema, info_class: type, exception_handlers: bool) -> Shortcuts:
    """The plain fields and directly callable resolvers of a strawberry schema,
    by (object type, field name). Resolvers are never called directly when
    strawberry is configured with exception handlers: its wrapper applies them."""
    plain: dict[tuple[str, str], PlainField] = {}
    direct: dict[tuple[str, str], DirectCall] = {}
    for named in schema.type_map.values():
        if (
            not isinstance(named, GraphQLObjectType)
            or named.name.startswith("__")
            or named is schema.subscription_type  # its resolvers are event streams
        ):
            continue
        for name, field in named.fields.items():
            definition = (field.extensions or {}).get(_STRAWBERRY_DEFINITION)
            if definition is None:
                continue
            if getattr(field.resolve, _STRAWBERRY_DEFAULT, False) and not field.args:
                if found := _plain(field.type, definition.python_name):
                    plain[named.name, name] = found
            elif not exception_handlers and (call := _direct(field, definition, info_class)):
                direct[named.name, name] = call
    return Shortcuts(plain, direct)


def install_direct_resolvers(schema: GraphQLSchema, found: Shortcuts) -> None:
    """Replace strawberry's wrapper by the direct call on every field that has
    one, so that the generic path (root fields, mutations) saves it too."""
    for (type_name, field_name), call in found.direct.items():
        named = schema.get_type(type_name)
        assert isinstance(named, GraphQLObjectType)
        named.fields[field_name].resolve = call.resolver()


def _plain(output: GraphQLOutputType, attribute: str) -> PlainField | None:
    leaf: Any = get_nullable_type(output)
    many = isinstance(leaf, GraphQLList)
    if many:
        # Lists of non-null items only: a null item needs its own check.
        item = leaf.of_type
        leaf = item.of_type if isinstance(item, GraphQLNonNull) else None
    if not is_leaf_type(leaf):
        return None
    return PlainField(attribute, leaf, many, isinstance(output, GraphQLNonNull))


def _direct(field: Any, definition: Any, info_class: type) -> DirectCall | None:
    resolver = definition.base_resolver
    if resolver is None or definition.extensions:
        return None
    python_names = {}
    for name, arg in field.args.items():
        argument = (arg.extensions or {}).get(_STRAWBERRY_DEFINITION)
        if argument is None or not is_scalar_type(get_named_type(arg.type)):
            return None
        python_names[name] = argument.python_name
    info = resolver.info_parameter
    return DirectCall(
        function=resolver.wrapped_func,
        definition=definition,
        info_class=info_class,
        python_names=python_names,
        pass_self=resolver.self_parameter is not None,
        source_names=tuple(
            p.name for p in (resolver.root_parameter, resolver.parent_parameter) if p is not None
        ),
        info_name=info.name if info is not None else None,
    )


# strawberry's is_type_of reads no resolve info.
_NO_INFO: Any = None


class _Abandon(Exception):
    """The batch met something only the generic path answers exactly."""


def _discard(awaitables: Iterable[Any]) -> None:
    """Awaitables that will never be awaited, closed so that nothing warns."""
    for awaitable in awaitables:
        if isinstance(awaitable, Coroutine):
            awaitable.close()
        elif isinstance(awaitable, asyncio.Future):
            awaitable.cancel()


def _then(
    value: list[Any] | Awaitable[list[Any]], then: Callable[[list[Any]], list[Any]]
) -> list[Any] | Awaitable[list[Any]]:
    """``then(value)``, once ``value`` is there."""
    if not isinstance(value, Awaitable):
        return then(value)

    async def later() -> list[Any]:
        return then(await value)

    return later()


def _merge(
    parts: list[tuple[list[int], list[Any] | Awaitable[list[Any]]]], size: int
) -> list[Any] | Awaitable[list[Any]]:
    """Lists completed for some positions each, back in one list."""

    def place(done: list[tuple[list[int], list[Any]]]) -> list[Any]:
        merged: list[Any] = [None] * size
        for positions, values in done:
            for i, value in zip(positions, values, strict=True):
                merged[i] = value
        return merged

    if not any(isinstance(done, Awaitable) for _, done in parts):
        return place(parts)  # type: ignore[arg-type]

    async def later() -> list[Any]:
        settled = await asyncio.gather(
            *(done if isinstance(done, Awaitable) else _ready(done) for _, done in parts)
        )
        return place(
            [(positions, done) for (positions, _), done in zip(parts, settled, strict=True)]
        )

    return later()


async def _ready(value: list[Any]) -> list[Any]:
    return value


def _no_nulls(values: list[Any]) -> list[Any]:
    if any(v is None for v in values):
        raise _Abandon  # the generic path reports the null where it is not allowed
    return values


def _split(sizes: list[int], flat: list[Any]) -> list[Any]:
    """A flat list cut back into lists of ``sizes``."""
    lists, start = [], 0
    for size in sizes:
        lists.append(flat[start : start + size])
        start += size
    return lists


class SelectionCache:
    """The fields each selection collects, kept with its operation for as long
    as the operation lives (the pipeline keeps parsed queries): graphql-core
    collects them again for every request. Only for operations without
    directives, whose fields depend on nothing but the query's text."""

    def __init__(self) -> None:
        # id(operation) -> (a weak reference to it, its collected selections);
        # the entry goes when the operation does.
        self._operations: dict[int, tuple[weakref.ref[Any], dict[Any, Any]]] = {}

    def of(self, operation: OperationDefinitionNode, fragments: Any) -> dict[Any, Any] | None:
        key = id(operation)
        entry = self._operations.get(key)
        if entry is not None and entry[0]() is operation:
            return entry[1]
        if _selects_by_variables(operation, fragments):
            return None
        selections: dict[Any, Any] = {}
        self._operations[key] = (weakref.ref(operation, partial(self._forget, key)), selections)
        return selections

    def __len__(self) -> int:
        return len(self._operations)

    def _forget(self, key: int, _: weakref.ref[Any]) -> None:
        self._operations.pop(key, None)


def _selects_by_variables(operation: OperationDefinitionNode, fragments: Any) -> bool:
    """Whether the fields the operation selects may depend on its variables:
    a directive on a selection (``@include``, ``@skip``, ``@defer``), its
    fragments' included, or a fragment taking arguments."""
    if any(f.variable_signatures for f in fragments.values()):
        return True
    pending = [operation.selection_set, *(f.definition.selection_set for f in fragments.values())]
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections if selection_set else ():
            if selection.directives:
                return True
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)
    return False


def executor_for(found: Shortcuts) -> type[Executor]:
    plain, direct = found.plain, found.direct
    shared = SelectionCache()

    class ShortcutExecutor(Executor):
        batching = True
        selections = shared

        def collect_subfields(self, return_type, field_details_list):
            selections = shared.of(self.operation, self.fragments)
            if selections is None or any(
                d.fragment_variable_values is not None for d in field_details_list
            ):
                return super().collect_subfields(return_type, field_details_list)
            # The nodes live as long as the operation: their ids stay theirs.
            key = (return_type.name, *(id(d.node) for d in field_details_list))
            found = selections.get(key)
            if found is None:
                found = selections[key] = super().collect_subfields(return_type, field_details_list)
            return found

        def execute_field(self, parent_type, source, field_details_list, path, position_context):
            node = field_details_list[0].node
            field = plain.get((parent_type.name, node.name.value))
            if field is not None:
                value = getattr(source, field.attribute, Undefined)
                if value is None and not field.non_null:
                    return None
                if value is not None and field.serialised(value):
                    return value
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )

        def complete_value(
            self, return_type, field_details_list, info, path, result, position_context
        ):
            if (
                not self.batching
                or self.operation.operation is not OperationType.QUERY
                or is_leaf_type(get_named_type(return_type))
            ):
                return super().complete_value(
                    return_type, field_details_list, info, path, result, position_context
                )

            def generic() -> Any:
                # Errors are rare: the rest of this request completes generically.
                self.batching = False
                return super(ShortcutExecutor, self).complete_value(
                    return_type, field_details_list, info, path, result, position_context
                )

            try:
                done = self._complete([result], [path], return_type, field_details_list)
            except Exception:  # the generic path reports it exactly
                return generic()
            if not isinstance(done, Awaitable):
                return done[0]

            async def settle() -> Any:
                try:
                    return (await done)[0]
                except Exception:  # the generic path reports it exactly
                    completed = generic()
                    return await completed if self.is_awaitable(completed) else completed

            return settle()

        def _complete(
            self,
            values: Sequence[Any],
            paths: Sequence[Path],
            return_type: GraphQLOutputType,
            field_details_list: Any,
        ) -> list[Any] | Awaitable[list[Any]]:
            """``values`` completed as ``return_type``, all at once: a list, or
            an awaitable of one when a resolver below is asynchronous."""
            if isinstance(return_type, GraphQLNonNull):
                return _then(
                    self._complete(values, paths, return_type.of_type, field_details_list),
                    _no_nulls,
                )
            present = [i for i, v in enumerate(values) if v is not None and v is not Undefined]
            if len(present) < len(values):
                found = self._complete(
                    [values[i] for i in present],
                    [paths[i] for i in present],
                    return_type,
                    field_details_list,
                )
                return _merge([(present, found)], len(values))
            if isinstance(return_type, GraphQLList):
                return self._complete_lists(values, paths, return_type, field_details_list)
            if is_leaf_type(return_type):
                return [self.complete_leaf_value(return_type, v) for v in values]
            if isinstance(return_type, GraphQLObjectType):
                return self._complete_objects(values, paths, return_type, field_details_list)
            if isinstance(return_type, GraphQLInterfaceType | GraphQLUnionType):
                return self._complete_abstract(values, paths, return_type, field_details_list)
            raise _Abandon

        def _complete_abstract(
            self,
            values: Sequence[Any],
            paths: Sequence[Path],
            return_type: GraphQLInterfaceType | GraphQLUnionType,
            field_details_list: Any,
        ) -> list[Any] | Awaitable[list[Any]]:
            """Each value as its own object type: values of one type complete together."""
            groups: dict[str, list[int]] = {}
            for i, value in enumerate(values):
                definition = getattr(value, "__strawberry_definition__", None)
                if definition is None:
                    raise _Abandon  # only strawberry objects name their type
                groups.setdefault(definition.name, []).append(i)
            parts = []
            for name, positions in groups.items():
                runtime = self.schema.get_type(name)
                if not isinstance(runtime, GraphQLObjectType) or not self.schema.is_sub_type(
                    return_type, runtime
                ):
                    raise _Abandon
                done = self._complete_objects(
                    [values[i] for i in positions],
                    [paths[i] for i in positions],
                    runtime,
                    field_details_list,
                )
                parts.append((positions, done))
            return _merge(parts, len(values))

        def _complete_lists(
            self,
            values: Sequence[Any],
            paths: Sequence[Path],
            return_type: GraphQLList[Any],
            field_details_list: Any,
        ) -> list[Any] | Awaitable[list[Any]]:
            items: list[Any] = []
            item_paths: list[Path] = []
            sizes: list[int] = []
            for value, path in zip(values, paths, strict=True):
                if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
                    raise _Abandon
                before = len(items)
                items.extend(value)
                item_paths.extend(Path(path, i, None) for i in range(len(items) - before))
                sizes.append(len(items) - before)
            done = self._complete(items, item_paths, return_type.of_type, field_details_list)
            return _then(done, partial(_split, sizes))

        def _complete_objects(
            self,
            sources: Sequence[Any],
            paths: Sequence[Path],
            return_type: GraphQLObjectType,
            field_details_list: Any,
        ) -> list[Any] | Awaitable[list[Any]]:
            is_type_of = return_type.is_type_of
            # strawberry's test is an isinstance on the object alone.
            if is_type_of is not None and not all(is_type_of(s, _NO_INFO) is True for s in sources):
                raise _Abandon
            grouped = self.collect_subfields(return_type, field_details_list)[0]
            rows: list[dict[str, Any]] = [{} for _ in sources]
            pending: list[tuple[str, Awaitable[list[Any]]]] = []
            try:
                for response_name, details in grouped.items():
                    column = self._column(sources, paths, return_type, response_name, details)
                    if column is Undefined:
                        continue
                    if self.is_awaitable(column):
                        pending.append((response_name, column))
                        continue
                    for row, value in zip(rows, column, strict=True):
                        row[response_name] = value
            except Exception:
                _discard(column for _, column in pending)
                raise
            if not pending:
                return rows

            async def settle() -> list[Any]:
                # Sibling fields run concurrently, as graphql-core runs them.
                columns = await asyncio.gather(*(column for _, column in pending))
                for (response_name, _), column in zip(pending, columns, strict=True):
                    for row, value in zip(rows, column, strict=True):
                        row[response_name] = value
                return rows

            return settle()

        def _column(
            self,
            sources: Sequence[Any],
            paths: Sequence[Path],
            parent_type: GraphQLObjectType,
            response_name: str,
            details: Any,
        ) -> Any:
            """One field of every source, completed (or an awaitable of it)."""
            node = details[0].node
            name = node.name.value
            if name == "__typename":
                return [parent_type.name] * len(sources)
            field_def = parent_type.fields.get(name)
            if field_def is None:
                return Undefined
            key = (parent_type.name, name)
            if (field := plain.get(key)) is not None:
                values = [getattr(s, field.attribute, Undefined) for s in sources]
                if all(
                    (v is None and not field.non_null) or (v is not None and field.serialised(v))
                    for v in values
                ):
                    return values
            args = (
                get_argument_values(
                    field_def,
                    node,
                    self.variable_values,
                    details[0].fragment_variable_values,
                    self.hide_suggestions,
                )
                if field_def.args or node.arguments
                else {}
            )
            nodes = [d.node for d in details]
            field_paths = [Path(p, response_name, parent_type.name) for p in paths]
            call = direct.get(key)
            resolve = field_def.resolve or self.field_resolver
            kwargs = call.kwargs(args) if call is not None else args
            results: list[Any] = []
            try:
                if call is not None and call.info_name is None:
                    # A resolver that takes no info: none is built for it.
                    results.extend(call(source, _NO_INFO, kwargs) for source in sources)
                else:
                    for source, path in zip(sources, field_paths, strict=True):
                        info = self.build_resolve_info(field_def, nodes, parent_type, path)
                        if call is not None:
                            results.append(call(source, info, kwargs))
                        else:
                            results.append(resolve(source, info, **kwargs))
            except Exception:
                _discard(r for r in results if self.is_awaitable(r))
                raise
            pending = [i for i, r in enumerate(results) if self.is_awaitable(r)]
            if not pending:
                return self._completed(results, field_paths, field_def.type, details)

            async def settle() -> list[Any]:
                settled = await asyncio.gather(*(results[i] for i in pending))
                for i, value in zip(pending, settled, strict=True):
                    results[i] = value
                done = self._completed(results, field_paths, field_def.type, details)
                return await done if isinstance(done, Awaitable) else done

            return settle()

        def _completed(
            self,
            results: list[Any],
            paths: Sequence[Path],
            return_type: GraphQLOutputType,
            details: Any,
        ) -> list[Any] | Awaitable[list[Any]]:
            if any(isinstance(r, Exception) for r in results):
                raise _Abandon
            return self._complete(results, paths, return_type, details)

    return ShortcutExecutor
