"""What a GraphQL request may ask for, checked before anything runs.

Every check walks the document once: each fragment is measured once and its
measure reused wherever it is spread, so a query whose fragments each spread
the previous one twice costs its size, not 2^depth.

- size: characters and tokens of the query text;
- depth of nested selections, and the number of aliases (counted per
  expansion: an aliased field in a fragment spread ten times counts ten);
- nesting of the variables' JSON values;
- cost: every field selected costs 1, and the selection below a field that
  takes ``pageSize`` (or ``first``, ``last``) costs as many times as the page
  may hold (the argument, or its default, capped by the maximum page size).
  Aliases multiply it.

Each refusal is a GraphQL error with its own ``extensions.code``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)


@dataclass(frozen=True, slots=True)
class Limits:
    max_query_chars: int = 20_000
    max_tokens: int = 5_000
    max_depth: int = 15
    max_aliases: int = 50
    max_cost: int = 100_000
    max_variable_depth: int = 32
    default_page_size: int = 50
    max_page_size: int = 1000


def refusal(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


# -- depth and aliases: validation, no variables needed -------------------


@dataclass(frozen=True, slots=True)
class _Shape:
    depth: int
    aliases: int


def _shape(
    selections: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    memo: dict[str, _Shape],
) -> _Shape:
    depth = aliases = 0
    for node in selections.selections if selections else ():
        if isinstance(node, FieldNode):
            inner = _shape(node.selection_set, fragments, memo)
            depth = max(depth, 1 + inner.depth)
            aliases += inner.aliases + (node.alias is not None)
            continue
        if isinstance(node, InlineFragmentNode):
            inner = _shape(node.selection_set, fragments, memo)
        elif isinstance(node, FragmentSpreadNode):
            inner = _fragment(node.name.value, fragments, memo, _Shape(0, 0), _shape)
        else:
            continue
        depth, aliases = max(depth, inner.depth), aliases + inner.aliases
    return _Shape(depth, aliases)


def _fragment(
    name: str,
    fragments: Mapping[str, FragmentDefinitionNode],
    memo: dict[str, Any],
    in_progress: Any,
    measure: Callable[..., Any],
    *args: Any,
) -> Any:
    """A fragment's measure, computed once; a cycle (refused by the standard
    validation anyway) measures as ``in_progress``."""
    if name not in memo:
        definition = fragments.get(name)
        if definition is None:
            return in_progress
        memo[name] = in_progress
        memo[name] = measure(definition.selection_set, fragments, memo, *args)
    return memo[name]


def shape_rule(limits: Limits) -> type[ValidationRule]:
    class QueryShape(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            memo: dict[str, _Shape] = {}
            for definition in document.definitions:
                if not isinstance(definition, OperationDefinitionNode):
                    continue
                shape = _shape(definition.selection_set, fragments, memo)
                if shape.depth > limits.max_depth:
                    context.report_error(
                        refusal(
                            f"The query is {shape.depth} levels deep; at most "
                            f"{limits.max_depth} are allowed",
                            "query_too_deep",
                        )
                    )
                if shape.aliases > limits.max_aliases:
                    context.report_error(
                        refusal(
                            f"The query uses {shape.aliases} aliases; at most "
                            f"{limits.max_aliases} are allowed",
                            "too_many_aliases",
                        )
                    )

    return QueryShape


# -- cost: before execution, with the variables ----------------------------


class _Cost:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        limits: Limits,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.limits = limits
        self.memo: dict[str, int] = {}
        # Whether a page size came from a variable: else the cost is the text's own.
        self.read_variables = False

    def of(self, selections: SelectionSetNode | None, parent: GraphQLNamedType | None) -> int:
        total = 0
        for node in selections.selections if selections else ():
            if isinstance(node, FieldNode):
                total += self._field(node, parent)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.of(node.selection_set, inner)
            elif isinstance(node, FragmentSpreadNode):
                total += self._spread(node.name.value)
        return total

    def _spread(self, name: str) -> int:
        if name not in self.memo:
            definition = self.fragments.get(name)
            if definition is None:
                return 0
            self.memo[name] = 0  # a cycle costs nothing more (and is refused anyway)
            condition = self.schema.get_type(definition.type_condition.name.value)
            self.memo[name] = self.of(definition.selection_set, condition)
        return self.memo[name]

    def _field(self, node: FieldNode, parent: GraphQLNamedType | None) -> int:
        fields = getattr(parent, "fields", None) or {}
        definition = fields.get(node.name.value)
        if definition is None:  # __typename and the like
            return 1
        inner = self.of(node.selection_set, get_named_type(definition.type))
        return 1 + self._page_size(node, definition.args) * inner

    def _page_size(self, node: FieldNode, args: Mapping[str, Any]) -> int:
        """The largest page any sizing argument of the field may ask for."""
        names = [n for n in _PAGE_SIZE_ARGUMENTS if n in args]
        if not names:
            return 1
        given = {a.name.value: a.value for a in node.arguments or () if a.name.value in names}
        sizes = []
        for name in names:
            value: Any = args[name].default_value
            literal = given.get(name)
            if isinstance(literal, IntValueNode):
                value = int(literal.value)
            elif isinstance(literal, VariableNode):
                self.read_variables = True
                value = self.variables.get(literal.name.value, value)
            if name in given or name == names[0]:
                sizes.append(self._bounded(value))
        return max(sizes)

    def _bounded(self, value: Any) -> int:
        if not isinstance(value, int) or value <= 0:
            value = self.limits.max_page_size if value == 0 else self.limits.default_page_size
        return min(value, self.limits.max_page_size)


# Arguments that size a list: Nuxeo's pages, Relay's connections.
_PAGE_SIZE_ARGUMENTS = ("pageSize", "first", "last")


def query_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any],
    limits: Limits,
) -> tuple[int, bool]:
    """The cost, and whether it depends on the variables."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    cost = _Cost(schema, fragments, variables, limits)
    worst = 0
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if (
            operation_name is not None
            and (definition.name and definition.name.value) != operation_name
        ):
            continue
        root: GraphQLObjectType | None = schema.get_root_type(definition.operation)
        worst = max(worst, cost.of(definition.selection_set, root))
    return worst, cost.read_variables


def nesting(value: Any, limit: int) -> int:
    """How deep a JSON value nests, counted without recursion up to ``limit + 1``."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def text_refusal(query: str, tokens: int, limits: Limits) -> GraphQLError | None:
    """The refusal of a query text too long, or of ``tokens`` too many."""
    if len(query) > limits.max_query_chars:
        return refusal(
            f"The query has {len(query)} characters; at most {limits.max_query_chars} are allowed",
            "query_too_large",
        )
    if tokens > limits.max_tokens:
        return refusal(f"The query has more than {limits.max_tokens} tokens", "query_too_large")
    return None


def variables_refusal(variables: Mapping[str, Any], limits: Limits) -> GraphQLError | None:
    limit = limits.max_variable_depth
    if any(isinstance(v, dict | list) for v in variables.values()):
        depth = nesting(variables, limit)
    else:  # the usual case, counted without walking
        depth = 1 if variables else 0
    if depth > limit:
        return refusal(
            f"Variables nest deeper than {limits.max_variable_depth} levels", "invalid_variables"
        )
    return None


def cost_refusal(cost: int, limits: Limits) -> GraphQLError | None:
    if cost > limits.max_cost:
        return refusal(
            f"The query would cost {cost} (fields times page sizes); at most "
            f"{limits.max_cost} is allowed",
            "query_too_costly",
        )
    return None
