"""A ``children`` selection compiled into one SQL statement.

When everything a ``children`` field selects can be written by PostgreSQL —
paging fields, and entries of plain document fields, ``facets``,
``lastModified``, ``properties`` of scalar schemas, ``__typename`` and their
own ``children`` of the same kind, sorted or not — the selection becomes a
``PageSpec`` (db/rendered.py) and the whole subtree is read and written as
JSON in one statement: no row is decoded in Python, no field resolved one by
one. The executor passes the JSON through as it is (executor.py,
``orjson.Fragment``).

Anything else — another field, a directive other than ``@skip`` and
``@include``, a fragment on a concrete type, an argument the engine
refuses — and the field is resolved the usual way, which gives the same
data and reports the same errors.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSkipDirective,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.execution.values import get_argument_values

from docgraph.errors import DocGraphError
from docgraph.resolvers import rendered
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import PageRequest
from docgraph.schema.arguments import page_request

# The directives a selection may hold and still compile.
_CONDITIONS = {"skip": GraphQLSkipDirective, "include": GraphQLIncludeDirective}

# Pages one statement may hold: each is a subquery PostgreSQL plans on every
# call, and a query may alias the same page many times over.
MAX_PAGES = 16


def children_page(
    info: GraphQLResolveInfo, request: PageRequest, typename: rendered.ByType
) -> rendered.PageSpec | None:
    """The page a ``children`` field (resolved with ``info``) selects, or
    None when it does not compile. ``typename``: each document type's
    GraphQL type."""
    if len(info.field_nodes) != 1:
        return None
    page_type = get_named_type(info.return_type)
    selection = info.field_nodes[0].selection_set
    if not isinstance(page_type, GraphQLObjectType) or selection is None:
        return None
    return _Compiler(info, typename).page(page_type, selection, request)


class _Compiler:
    def __init__(self, info: GraphQLResolveInfo, typename: rendered.ByType) -> None:
        self.info = info
        self.ctx: RequestContext = info.context
        self.typename = typename
        self.pages = 0

    def page(
        self, page_type: GraphQLObjectType, selection: SelectionSetNode, request: PageRequest
    ) -> rendered.PageSpec | None:
        self.pages += 1
        if self.pages > MAX_PAGES:
            return None
        nodes = self.fields(selection, page_type.name)
        if nodes is None:
            return None
        fields: list[tuple[str, rendered.PageField]] = []
        document: rendered.DocumentSpec | None = None
        for key, node in nodes:
            name = node.name.value
            if name == "entries":
                entry_type = get_named_type(page_type.fields[name].type)
                found = self.document(entry_type, node.selection_set)
                if found is None or (document is not None and found != document):
                    return None  # two selections of the entries: the Python path merges them
                document = found
                fields.append((key, rendered.Entries()))
            elif name in rendered.PAGE_FIELDS:
                fields.append((key, rendered.Paging(name)))
            elif name == "aggregations":  # a listing has none
                fields.append((key, rendered.Constant(None)))
            elif name == "__typename":
                fields.append((key, rendered.Constant(page_type.name)))
            else:
                return None
        return rendered.page_spec(self.ctx, request, fields, document or rendered.DocumentSpec(()))

    def document(
        self, entry_type: Any, selection: SelectionSetNode | None
    ) -> rendered.DocumentSpec | None:
        if not isinstance(entry_type, GraphQLInterfaceType) or selection is None:
            return None
        nodes = self.fields(selection, entry_type.name)
        if nodes is None:
            return None
        fields: list[tuple[str, rendered.DocumentField]] = []
        for key, node in nodes:
            name = node.name.value
            field: rendered.DocumentField | None
            if name in rendered.DOCUMENT_FIELDS:
                field = rendered.Column(name)
            elif name == "__typename":
                field = self.typename
            elif name == "facets":
                field = rendered.facets(self.ctx.registry.types)
            elif name == "lastModified":
                field = rendered.last_modified(self.ctx.registry.types)
            elif name == "properties":
                field = self.properties(entry_type, node)
            elif name == "children":
                field = self.children(entry_type, node)
            else:
                field = None
            if field is None:
                return None
            fields.append((key, field))
        return rendered.DocumentSpec(tuple(fields))

    def properties(
        self, entry_type: GraphQLInterfaceType, node: FieldNode
    ) -> rendered.Properties | None:
        args = self.arguments(entry_type, node)
        if args is None:
            return None
        return rendered.properties(self.ctx.registry.types, args.get("schemas"))

    def children(
        self, entry_type: GraphQLInterfaceType, node: FieldNode
    ) -> rendered.Children | None:
        args = self.arguments(entry_type, node)
        page_type = get_named_type(entry_type.fields["children"].type)
        if (
            args is None
            or node.selection_set is None
            or not isinstance(page_type, GraphQLObjectType)
        ):
            return None
        try:
            request = page_request(
                self.ctx,
                args.get("currentPageIndex") or 0,
                args.get("pageSize"),
                args.get("sortBy"),
                args.get("sortOrder"),
                args.get("offset"),
            )
        except DocGraphError:
            return None
        page = self.page(page_type, node.selection_set, request)
        return None if page is None else rendered.Children(page)

    def arguments(
        self, parent_type: GraphQLInterfaceType, node: FieldNode
    ) -> dict[str, Any] | None:
        """The field's arguments as its resolver gets them; None when they
        are invalid (the Python path reports it)."""
        try:
            return get_argument_values(
                parent_type.fields[node.name.value], node, self.info.variable_values
            )
        except Exception:
            return None

    def fields(
        self, selection: SelectionSetNode, type_name: str
    ) -> list[tuple[str, FieldNode]] | None:
        """The fields of ``selection`` by response key, fragments on
        ``type_name`` itself flattened in, what ``@skip`` and ``@include``
        leave out left out; None for anything else (another directive, a
        fragment on another type, a field with a selection given twice)."""
        found: list[tuple[str, FieldNode]] = []
        if not self.collect(selection, type_name, found):
            return None
        fields: dict[str, FieldNode] = {}
        for key, node in found:
            if key not in fields:
                fields[key] = node
            elif node.selection_set is not None:
                return None  # the Python path merges the two selections
            # Else a leaf again: validation made it the same field, same arguments.
        return list(fields.items())

    def included(self, node: SelectionNode) -> bool | None:
        """Whether ``@skip`` and ``@include`` keep ``node``, as graphql-core
        decides; None for any other directive."""
        kept = True
        for directive in node.directives or ():
            name = directive.name.value
            definition = _CONDITIONS.get(name)
            if definition is None:
                return None
            try:
                condition = get_argument_values(definition, directive, self.info.variable_values)
            except Exception:  # the Python path reports it
                return None
            if condition["if"] == (name == "skip"):
                kept = False
        return kept

    def collect(
        self, selection: SelectionSetNode, type_name: str, found: list[tuple[str, FieldNode]]
    ) -> bool:
        for node in selection.selections:
            if node.directives:
                kept = self.included(node)
                if kept is None:
                    return False
                if not kept:
                    continue
            if isinstance(node, FieldNode):
                found.append(((node.alias or node.name).value, node))
                continue
            if isinstance(node, InlineFragmentNode):
                condition, inner = node.type_condition, node.selection_set
            elif isinstance(node, FragmentSpreadNode) and not getattr(node, "arguments", None):
                fragment = self.info.fragments.get(node.name.value)
                if fragment is None:
                    return False
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                return False
            if condition is not None and condition.name.value != type_name:
                return False
            if not self.collect(inner, type_name, found):
                return False
        return True
