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
   A query's root fields are the first level.
3. **Collected selections are kept** with their parsed operation, when no
   directive or fragment argument lets variables change them: the same query
   sent again does not walk its selections again. So is how each field of a
   selection is answered (a ``Column``: plain attribute, direct call or
   resolver, arguments coerced once when they read no variable, leaves
   completed without paths).

4. **JSON already written.** A value that is an ``orjson.Fragment`` (a page
   that PostgreSQL wrote, schema/compiled.py) is the field's completed value
   as it is: the response is written with orjson, which splices it in.

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
from types import CoroutineType
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
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_scalar_type,
)
from graphql.execution.executor import Executor
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, Undefined
from orjson import Fragment

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

    def all_serialised(self, values: list[Any]) -> bool:
        """Whether each value is null where allowed or already its own
        serialisation."""
        exact = self.exact
        for value in values:
            if value is None:
                if self.non_null:
                    return False
            elif exact is None:
                return False
            elif not self.many:
                if type(value) is not exact:
                    return False
            elif type(value) is not list or any(type(item) is not exact for item in value):
                return False
        return True


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
        if self.source_names or self.info_name is not None:
            kwargs = dict(kwargs)  # the caller's is shared by a level's calls
            for name in self.source_names:
                kwargs[name] = source
            if self.info_name is not None:
                kwargs[self.info_name] = self.info_class(_raw_info=info, _field=self.definition)
        return self.function(source, **kwargs) if self.pass_self else self.function(**kwargs)


def leaf_completion(output: GraphQLOutputType) -> Callable[[list[Any]], list[Any]] | None:
    """How to complete values of a leaf type or a list of leaves, without
    paths or per-value calls; None for other types. Raises _Abandon where
    graphql-core would report an error."""
    non_null = isinstance(output, GraphQLNonNull)
    nullable: Any = get_nullable_type(output)
    if is_leaf_type(nullable):
        return _each(_leaf(nullable), non_null)
    if not isinstance(nullable, GraphQLList):
        return None
    item = nullable.of_type
    items_non_null = isinstance(item, GraphQLNonNull)
    leaf = item.of_type if items_non_null else item
    if not is_leaf_type(leaf):
        return None
    items = _each(_leaf(leaf), items_non_null)

    def one_list(value: Any) -> list[Any]:
        if isinstance(value, str | bytes | dict) or not hasattr(value, "__iter__"):
            raise _Abandon
        return items(list(value))

    return _each(one_list, non_null)


def _each(complete: Callable[[Any], Any], non_null: bool) -> Callable[[list[Any]], list[Any]]:
    """``complete`` applied to each value that is not null; a null where the
    type forbids one abandons the batch."""

    def completed(values: list[Any]) -> list[Any]:
        done: list[Any] = []
        for value in values:
            if value is None or value is Undefined:
                if non_null:
                    raise _Abandon
                done.append(None)
            else:
                done.append(complete(value))
        return done

    return completed


def _leaf(leaf: Any) -> Callable[[Any], Any]:
    exact = _IDENTITY.get(leaf)
    coerce = leaf.coerce_output_value

    def one_leaf(value: Any) -> Any:
        if type(value) is exact:
            return value
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _Abandon
        return coerced

    return one_leaf


@dataclass(frozen=True, slots=True)
class _RootField:
    """An operation's root, keyed like the field nodes of a selection."""

    node: OperationDefinitionNode
    fragment_variable_values: None = None


class Column:
    """How one field of a selection set is answered for every object of a
    level: worked out once per selection, not once per object."""

    __slots__ = (
        "by_variable",
        "call",
        "details",
        "field_def",
        "fixed_args",
        "leaves",
        "name",
        "nodes",
        "plain",
        "response_name",
        "template",
        "typename",
    )

    def __init__(
        self,
        response_name: str,
        name: str,
        details: Any,
        *,
        typename: bool = False,
        field_def: Any = None,
        plain: PlainField | None = None,
        call: DirectCall | None = None,
        leaves: Callable[[list[Any]], list[Any]] | None = None,
    ) -> None:
        self.response_name = response_name
        self.name = name
        self.details = details
        self.nodes = [d.node for d in details]
        self.typename = typename
        self.field_def = field_def
        self.plain = plain
        self.call = call
        self.leaves = leaves
        # The coerced arguments, when they depend on no variable.
        self.fixed_args: dict[str, Any] | None = None
        # When every argument given is a variable: (argument, variable,
        # non-null) each, and the arguments of a first run for the defaults.
        self.by_variable: tuple[tuple[str, str, bool], ...] | None = None
        self.template: dict[str, Any] | None = None


def _reads_variables(value: Any) -> bool:
    """Whether an argument's value node holds a variable anywhere inside."""
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, VariableNode):
            return True
        if isinstance(node, ListValueNode):
            pending.extend(node.values)
        elif isinstance(node, ObjectValueNode):
            pending.extend(f.value for f in node.fields)
    return False


def _awaitable(value: Any) -> bool:
    """Whether ``value`` is awaited, asked of every resolver's result: by its
    type, as ``await`` itself looks ``__await__`` up."""
    kind = type(value)
    found = _AWAITABLE_TYPES.get(kind)
    if found is None:
        found = kind is CoroutineType or hasattr(kind, "__await__")
        if len(_AWAITABLE_TYPES) < _MAX_TYPES:
            _AWAITABLE_TYPES[kind] = found
    return found


# The types resolvers returned, and whether each is awaitable; resolvers
# return a few dozen types, the bound is for a plugin making new ones.
_AWAITABLE_TYPES: dict[type, bool] = {}
_MAX_TYPES = 1024


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


async def _together(awaitables: list[Awaitable[Any]]) -> list[Any]:
    """What the awaitables give, awaited concurrently (DataLoaders see all
    their keys in one batch); one alone is awaited in place, without the
    task ``gather`` would make of it."""
    if len(awaitables) == 1:
        return [await awaitables[0]]
    return await asyncio.gather(*awaitables)


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
    # (abstract type, object type name) -> the object type, once checked.
    runtimes: dict[tuple[str, str], GraphQLObjectType] = {}

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
                if field.all_serialised([value]):
                    return value
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )

        def execute_root_grouped_field_set(
            self, root_type, root_value, grouped_field_set, serially, position_context
        ):
            """A query's root fields: one more level of batched completion."""
            if serially or not self.batching or self.operation.operation is not OperationType.QUERY:
                return super().execute_root_grouped_field_set(
                    root_type, root_value, grouped_field_set, serially, position_context
                )

            def generic() -> Any:
                self.batching = False
                return super(ShortcutExecutor, self).execute_root_grouped_field_set(
                    root_type, root_value, grouped_field_set, serially, position_context
                )

            try:
                columns = self._columns(
                    root_type, [_RootField(self.operation)], lambda: grouped_field_set
                )
                done = self._rows([root_value], [None], root_type, columns)
            except Exception:  # the generic path reports it exactly
                return generic()
            return self._first(done, generic)

        def _first(self, done: Any, generic: Callable[[], Any]) -> Any:
            """The one completed value of ``done``, or what ``generic`` makes
            of the same value when completing it failed."""
            if not isinstance(done, Awaitable):
                return done[0]

            async def settle() -> Any:
                try:
                    return (await done)[0]
                except Exception:  # the generic path reports it exactly
                    completed = generic()
                    return await completed if self.is_awaitable(completed) else completed

            return settle()

        def complete_value(
            self, return_type, field_details_list, info, path, result, position_context
        ):
            if type(result) is Fragment:  # JSON already written (compiled.py)
                return result
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
            return self._first(done, generic)

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
            if values and type(values[0]) is Fragment and all(type(v) is Fragment for v in values):
                return list(values)
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
            if len(groups) == 1:  # the usual case: all of one type, in order
                [name] = groups
                return self._complete_objects(
                    values, paths, self._runtime(return_type, name), field_details_list
                )
            parts = []
            for name, positions in groups.items():
                done = self._complete_objects(
                    [values[i] for i in positions],
                    [paths[i] for i in positions],
                    self._runtime(return_type, name),
                    field_details_list,
                )
                parts.append((positions, done))
            return _merge(parts, len(values))

        def _runtime(
            self, abstract: GraphQLInterfaceType | GraphQLUnionType, name: str
        ) -> GraphQLObjectType:
            """The object type ``name``, checked to be one of ``abstract``'s."""
            key = (abstract.name, name)
            runtime = runtimes.get(key)
            if runtime is None:
                found = self.schema.get_type(name)
                if not isinstance(found, GraphQLObjectType) or not self.schema.is_sub_type(
                    abstract, found
                ):
                    raise _Abandon
                runtime = runtimes[key] = found
            return runtime

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
            columns = self._columns(
                return_type,
                field_details_list,
                lambda: self.collect_subfields(return_type, field_details_list)[0],
            )
            return self._rows(sources, paths, return_type, columns)

        def _rows(
            self,
            sources: Sequence[Any],
            paths: Sequence[Path | None],
            parent_type: GraphQLObjectType,
            columns: list[Column],
        ) -> list[Any] | Awaitable[list[Any]]:
            rows: list[dict[str, Any]] = [{} for _ in sources]
            pending: list[tuple[str, Awaitable[list[Any]]]] = []
            try:
                for column in columns:
                    values = self._column(column, sources, paths, parent_type)
                    if type(values) is not list:
                        pending.append((column.response_name, values))
                        continue
                    response_name = column.response_name
                    for row, value in zip(rows, values, strict=True):
                        row[response_name] = value
            except Exception:
                _discard(values for _, values in pending)
                raise
            if not pending:
                return rows

            async def settle() -> list[Any]:
                # Sibling fields run concurrently, as graphql-core runs them.
                done = await _together([values for _, values in pending])
                for (response_name, _), values in zip(pending, done, strict=True):
                    for row, value in zip(rows, values, strict=True):
                        row[response_name] = value
                return rows

            return settle()

        def _columns(
            self,
            parent_type: GraphQLObjectType,
            field_details_list: Any,
            collect: Callable[[], dict[str, Any]],
        ) -> list[Column]:
            """How each field of a selection (``collect``: its fields by
            response name) is answered, kept with the operation when its
            collected fields are."""
            selections = shared.of(self.operation, self.fragments)
            kept = selections is not None and all(
                d.fragment_variable_values is None for d in field_details_list
            )
            if kept:
                assert selections is not None
                key = ("columns", parent_type.name, *(id(d.node) for d in field_details_list))
                if (found := selections.get(key)) is not None:
                    return found
            columns = [
                column
                for response_name, details in collect().items()
                if (column := self._plan(parent_type, response_name, details, kept)) is not None
            ]
            if kept:
                assert selections is not None
                selections[key] = columns
            return columns

        def _plan(
            self, parent_type: GraphQLObjectType, response_name: str, details: Any, kept: bool
        ) -> Column | None:
            node = details[0].node
            name = node.name.value
            if name == "__typename":
                return Column(response_name, name, details, typename=True)
            field_def = parent_type.fields.get(name)
            if field_def is None:
                return None
            key = (parent_type.name, name)
            column = Column(
                response_name,
                name,
                details,
                field_def=field_def,
                plain=plain.get(key),
                call=direct.get(key),
                leaves=leaf_completion(field_def.type),
            )
            if not (field_def.args or node.arguments):
                column.fixed_args = {}
            elif not kept:
                pass
            elif not any(_reads_variables(a.value) for a in node.arguments or ()):
                try:
                    column.fixed_args = self._arguments(column)
                except Exception:  # reported exactly when the field runs
                    pass
            elif all(isinstance(a.value, VariableNode) for a in node.arguments or ()):
                column.by_variable = tuple(
                    (
                        field_def.args[a.name.value].out_name or a.name.value,
                        a.value.name.value,
                        isinstance(field_def.args[a.name.value].type, GraphQLNonNull),
                    )
                    for a in node.arguments or ()
                    if a.name.value in field_def.args
                )
            return column

        def _arguments(self, column: Column) -> dict[str, Any]:
            if column.fixed_args is not None:
                return column.fixed_args
            if column.by_variable is not None and column.template is not None:
                # Each argument is a variable's value, as coerced with the
                # variables; the rest (defaults) is the same every time.
                coerced = self.variable_values.coerced
                args = dict(column.template)
                for out_name, variable, non_null in column.by_variable:
                    value = coerced.get(variable, Undefined)
                    if value is Undefined or (value is None and non_null):
                        break  # graphql-core answers these exactly
                    args[out_name] = value
                else:
                    return args
            args = get_argument_values(
                column.field_def,
                column.details[0].node,
                self.variable_values,
                column.details[0].fragment_variable_values,
                self.hide_suggestions,
            )
            if column.by_variable is not None and column.template is None:
                column.template = dict(args)
            return args

        def _column(
            self,
            column: Column,
            sources: Sequence[Any],
            paths: Sequence[Path | None],
            parent_type: GraphQLObjectType,
        ) -> Any:
            """One field of every source, completed (or an awaitable of it)."""
            if column.typename:
                return [parent_type.name] * len(sources)
            if (field := column.plain) is not None:
                values = [getattr(s, field.attribute, Undefined) for s in sources]
                if field.all_serialised(values):
                    return values
            field_def = column.field_def
            args = self._arguments(column)
            call = column.call
            resolve = field_def.resolve or self.field_resolver
            kwargs = call.kwargs(args) if call is not None else args
            field_paths: list[Path] | None = None
            results: list[Any] = []
            try:
                if call is not None and call.info_name is None:
                    # A resolver that takes no info: none is built for it.
                    results.extend(call(source, _NO_INFO, kwargs) for source in sources)
                else:
                    response_name = column.response_name
                    field_paths = [Path(p, response_name, parent_type.name) for p in paths]
                    nodes = column.nodes
                    for source, path in zip(sources, field_paths, strict=True):
                        info = self.build_resolve_info(field_def, nodes, parent_type, path)
                        if call is not None:
                            results.append(call(source, info, kwargs))
                        else:
                            results.append(resolve(source, info, **kwargs))
            except Exception:
                _discard(r for r in results if self.is_awaitable(r))
                raise
            pending = [i for i, r in enumerate(results) if _awaitable(r)]
            if not pending:
                return self._completed(column, results, paths, field_paths, parent_type)

            async def settle() -> list[Any]:
                settled = await _together([results[i] for i in pending])
                for i, value in zip(pending, settled, strict=True):
                    results[i] = value
                done = self._completed(column, results, paths, field_paths, parent_type)
                return await done if isinstance(done, Awaitable) else done

            return settle()

        def _completed(
            self,
            column: Column,
            results: list[Any],
            paths: Sequence[Path | None],
            field_paths: list[Path] | None,
            parent_type: GraphQLObjectType,
        ) -> list[Any] | Awaitable[list[Any]]:
            if any(isinstance(r, Exception) for r in results):
                raise _Abandon
            if column.leaves is not None:
                return column.leaves(results)
            if field_paths is None:
                field_paths = [Path(p, column.response_name, parent_type.name) for p in paths]
            return self._complete(results, field_paths, column.field_def.type, column.details)

    return ShortcutExecutor
