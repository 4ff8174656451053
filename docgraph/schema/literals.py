"""Queries that differ only in their string literals share one parsed document.

A client that writes ids inline (``document(id: "…")``) sends a new text for
every document. Each would be parsed, and planned by the executor, anew; the
parse alone costs about what the rest of a small query does. Instead, the
first such text becomes a *template*: its ``String``/``ID`` argument literals
become variables (``$_dg0``, …) of the operation, and the next text of the
same shape runs the template with its own literals as those variables.

The shape is found without a lexer: a regular expression masks each string
literal as its length, so two texts share a template only when everything
but the literals' contents is the same, byte for byte, and every literal is
as long. Error locations are therefore the same in both texts. A literal
holding an escape or a control character, a block string, a literal that is
not an argument of type String or ID, a document of several operations: such
texts are parsed as they come (``scan`` or ``Template.build`` says no).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    GraphQLNonNull,
    GraphQLSchema,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    TypeNode,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    visit,
)
from graphql.language import Node

# A comment (skipped: it may hold a quote) or a one-line string literal.
_LITERALS = re.compile(r'#[^\n\r]*|"((?:[^"\\\n\r]|\\.)*)"')
# What a literal must not hold to be taken as it is written: an escape, a
# character the lexer refuses.
_NOT_VERBATIM = re.compile(r"[\\\x00-\x08\x0a-\x1f]")
# The types whose literal and variable values coerce alike, a string as it is.
_LIFTABLE = frozenset({"String", "ID"})
PREFIX = "_dg"


@dataclass(frozen=True, slots=True)
class Scanned:
    """A query text's shape (its literals masked by their lengths), and the
    contents of its literals, in order, with where each begins."""

    shape: str
    literals: tuple[str, ...]
    starts: tuple[int, ...]


def scan(query: str) -> Scanned | None:
    """The query's shape and literals; None when a literal is not written
    verbatim or there is a block string."""
    if '"""' in query:
        return None
    parts: list[str] = []
    literals: list[str] = []
    starts: list[int] = []
    at = 0
    for match in _LITERALS.finditer(query):
        content = match.group(1)
        if content is None:  # a comment
            continue
        if _NOT_VERBATIM.search(content):
            return None
        parts.append(query[at : match.start()])
        parts.append(f'"{len(content)}"')
        literals.append(content)
        starts.append(match.start())
        at = match.end()
    parts.append(query[at:])
    return Scanned("".join(parts), tuple(literals), tuple(starts))


@dataclass(frozen=True, slots=True)
class Template:
    """A document whose lifted literals are variables; for each literal of
    the text, the variable it fills (None: kept in the document, so it must
    be the same in every text that uses the template)."""

    document: DocumentNode
    slots: tuple[str | None, ...]
    kept: tuple[str, ...]

    def bind(self, literals: Sequence[str]) -> dict[str, str] | None:
        """The variables of a text of the same shape; None if one of its kept
        literals differs."""
        values: dict[str, str] = {}
        kept = iter(self.kept)
        for slot, literal in zip(self.slots, literals, strict=True):
            if slot is not None:
                values[slot] = literal
            elif literal != next(kept):
                return None
        return values

    @classmethod
    def build(
        cls, schema: GraphQLSchema, document: DocumentNode, scanned: Scanned
    ) -> Template | None:
        """The template of a valid ``document`` parsed from the scanned text,
        or None when it has nothing to lift or cannot be one."""
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if len(operations) != 1:
            return None
        operation = operations[0]
        taken = {v.variable.name.value for v in operation.variable_definitions or ()}
        finder = _ArgumentStrings(TypeInfo(schema))
        visit(document, TypeInfoVisitor(finder.type_info, finder))
        # Every literal the scan found must be one the parser found, where it
        # found it: otherwise the scan misread the text and shapes mean nothing.
        if sorted(finder.found) != list(scanned.starts) or finder.others:
            return None
        slots: list[str | None] = []
        kept: list[str] = []
        definitions: list[VariableDefinitionNode] = []
        lifted: dict[int, VariableNode] = {}
        for start, literal in zip(scanned.starts, scanned.literals, strict=True):
            type_name, non_null = finder.found[start]
            if type_name not in _LIFTABLE:
                slots.append(None)
                kept.append(literal)
                continue
            name = f"{PREFIX}{len(definitions)}"
            if name in taken:
                return None
            variable = VariableNode(name=NameNode(value=name))
            definitions.append(
                VariableDefinitionNode(variable=variable, type=_type_node(type_name, non_null))
            )
            lifted[start] = variable
            slots.append(name)
        if not definitions:
            return None
        rewritten = visit(document, _Lift(lifted, tuple(definitions)))
        return cls(rewritten, tuple(slots), tuple(kept))


class _ArgumentStrings(Visitor):
    """The string literals of a document: those inside argument values, by
    where they begin, with their input type's name (None: not a named type)
    and whether it is non-null; ``others`` counts the rest (default values of
    variables)."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.found: dict[int, tuple[str | None, bool]] = {}
        self.others = 0
        self._in_argument = 0

    def enter_argument(self, *_: object) -> None:
        self._in_argument += 1

    def leave_argument(self, *_: object) -> None:
        self._in_argument -= 1

    def enter_string_value(self, node: StringValueNode, *_: object) -> None:
        if not self._in_argument or node.loc is None or node.block:
            self.others += 1
            return
        input_type = self.type_info.get_input_type()
        non_null = isinstance(input_type, GraphQLNonNull)
        nullable = input_type.of_type if isinstance(input_type, GraphQLNonNull) else input_type
        self.found[node.loc.start] = (getattr(nullable, "name", None), non_null)


class _Lift(Visitor):
    """Replaces the string literals beginning at the given offsets by their
    variables, which the operation then defines."""

    def __init__(
        self, lifted: dict[int, VariableNode], definitions: tuple[VariableDefinitionNode, ...]
    ) -> None:
        super().__init__()
        self.lifted = lifted
        self.definitions = definitions

    def enter_string_value(self, node: StringValueNode, *_: object) -> Node | None:
        if node.loc is not None and node.loc.start in self.lifted:
            return self.lifted[node.loc.start]
        return None

    def leave_operation_definition(self, node: OperationDefinitionNode, *_: object) -> Node:
        fields = {key: getattr(node, key) for key in node.keys}
        fields["variable_definitions"] = (*(node.variable_definitions or ()), *self.definitions)
        return OperationDefinitionNode(**fields)


def _type_node(name: str, non_null: bool) -> TypeNode:
    named = NamedTypeNode(name=NameNode(value=name))
    return NonNullTypeNode(type=named) if non_null else named
