"""Pages of children that PostgreSQL writes as JSON (db/rendered.py): what a
door may ask for that way, and the pages themselves.

A door describes the page it would write (``PageSpec``); the parts built
here are those that need the engine's rules: which properties a type shows,
the window a page request means. Anything the SQL cannot write exactly as
the Python path does (a blob, a complex value, a schema a facet may add to
one document, a sort) gets None here, and the door takes the Python path.
"""

from __future__ import annotations

from collections.abc import Sequence

# The spec's parts are the engine's vocabulary for the doors.
from docgraph.db.rendered import (
    DOCUMENT_FIELDS,
    PAGE_FIELDS,
    ByType,
    Children,
    Column,
    Constant,
    DocumentField,
    DocumentSpec,
    Entries,
    PageField,
    PageSpec,
    Paging,
    Properties,
)
from docgraph.errors import DocGraphError
from docgraph.resolvers import paging, permissions
from docgraph.resolvers import properties as props
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.loaders import RenderedKey
from docgraph.resolvers.model import Document, PageRequest
from docgraph.resolvers.typesystem.model import TypeRegistry

__all__ = [
    "DOCUMENT_FIELDS",
    "PAGE_FIELDS",
    "ByType",
    "Children",
    "Column",
    "Constant",
    "DocumentField",
    "DocumentSpec",
    "Entries",
    "PageField",
    "PageSpec",
    "Paging",
    "Properties",
    "children",
    "page_spec",
    "properties",
]


async def children(ctx: RequestContext, parent: Document, page: PageSpec) -> str:
    """The page of ``parent``'s children that ``page`` describes, as JSON
    text: the children the user may see, trashed and hidden ones left out,
    as ``documents.children`` lists them."""
    permissions.check_read(ctx, parent)
    doctype = ctx.registry.types.get(parent.type)
    ordered = bool(doctype and doctype.has_facet("Orderable"))
    found: str = await ctx.loaders.rendered_children.load(RenderedKey(parent.id, ordered, page))
    return found


def page_spec(
    ctx: RequestContext,
    request: PageRequest,
    fields: Sequence[tuple[str, PageField]],
    document: DocumentSpec,
) -> PageSpec | None:
    """The page ``request`` asks for; None when it is sorted (the SQL knows
    the listing's own orders only) or refused (the Python path reports why)."""
    if request.sort or request.projection is not None:
        return None
    try:
        limit, offset = paging.window(request, ctx.settings.max_page_size)
    except DocGraphError:
        return None
    return PageSpec(tuple(fields), document, limit, offset, request.page_size)


def properties(types: TypeRegistry, schemas: Sequence[str] | None) -> Properties | None:
    """``schemas``' properties (None: all) as the SQL writes them, for every
    type of ``types``; None when one of them needs the Python path."""
    key = None if schemas is None else tuple(schemas)
    found = _properties.get(key)
    if found is not None and found[0] is types:
        return found[1]
    spec = _properties_of(types, schemas)
    if len(_properties) >= 1024:
        _properties.clear()
    _properties[key] = (types, spec)
    return spec


# Built for each listing; kept with the registry they were built from.
_properties: dict[tuple[str, ...] | None, tuple[TypeRegistry, Properties | None]] = {}


def _properties_of(types: TypeRegistry, schemas: Sequence[str] | None) -> Properties | None:
    if schemas is not None:
        try:
            props.check_schemas(types, schemas)
        except DocGraphError:  # an unknown schema: the Python path reports it
            return None
    everything = schemas is None or props.ALL_SCHEMAS in schemas
    wanted = {s.lower() for s in schemas or ()}
    for facet in types.facets.values():
        # A document may have a facet of its own, and with it more schemas.
        if any(everything or s.lower() in wanted for s in facet.schemas):
            return None
    groups: dict[tuple[tuple[str, bool], ...], list[str]] = {}
    for name in types.types:
        doctype = types.of(name)
        selected = props.select_schemas(doctype, schemas)
        keys: list[tuple[str, bool]] = []
        for schema in doctype.schemas:
            if schema.name not in selected:
                continue
            if schema.structured:  # blobs and complex values: Python renders them
                return None
            keys.extend((k, False) for k in schema.scalar_keys)
            keys.extend((k, True) for k in schema.scalar_list_keys)
        if keys:
            groups.setdefault(tuple(keys), []).append(name)
    return Properties(tuple((tuple(names), keys) for keys, names in groups.items()))
