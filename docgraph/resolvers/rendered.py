"""Pages of children that PostgreSQL writes as JSON (db/rendered.py): what a
door may ask for that way, and the pages themselves.

A door describes the page it would write (``PageSpec``); the parts built
here are those that need the engine's rules: which properties, facets and
last modification a type shows, the window and the sort a page request
means. Anything the SQL cannot write exactly as
the Python path does (a blob, a complex value, a schema a facet may add to
one document) gets None here, and the door takes the Python path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

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
    Facets,
    PageField,
    PageSpec,
    Paging,
    Present,
    Properties,
    PropertyKeys,
    Schemas,
    TypeProperty,
)
from docgraph.errors import DocGraphError
from docgraph.resolvers import documents, paging, permissions
from docgraph.resolvers import properties as props
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.loaders import RenderedKey
from docgraph.resolvers.model import Document, PageRequest
from docgraph.resolvers.typesystem.model import ResolvedType, Schema, TypeRegistry

T = TypeVar("T")

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
    "Facets",
    "PageField",
    "PageSpec",
    "Paging",
    "Present",
    "Properties",
    "Schemas",
    "TypeProperty",
    "WrittenPage",
    "children",
    "facets",
    "last_modified",
    "page_spec",
    "properties",
    "schemas",
]


@dataclass(frozen=True, slots=True)
class WrittenPage:
    """A page that PostgreSQL wrote as JSON: a door sends it as it is."""

    json: str


async def children(ctx: RequestContext, parent: Document, page: PageSpec) -> str:
    """The page of ``parent``'s children that ``page`` describes, as JSON
    text: the children the user may see, trashed and hidden ones left out,
    as ``documents.children`` lists them."""
    permissions.check_read(ctx, parent)
    ordered = documents.orders_by_position(ctx, parent)
    found: str = await ctx.loaders.rendered_children.load(RenderedKey(parent.id, ordered, page))
    return found


def page_spec(
    ctx: RequestContext,
    request: PageRequest,
    fields: Sequence[tuple[str, PageField]],
    document: DocumentSpec,
) -> PageSpec | None:
    """The page ``request`` asks for; None when the engine refuses it (the
    Python path reports why)."""
    if request.projection is not None:
        return None
    try:
        limit, offset = paging.window(request, ctx.settings.max_page_size)
        sort = documents.sort_terms(ctx, request.sort)
    except DocGraphError:
        return None
    return PageSpec(tuple(fields), document, limit, offset, request.page_size, sort)


def properties(types: TypeRegistry, schemas: Sequence[str] | None) -> Properties | None:
    """``schemas``' properties (None: all) as the SQL writes them, for every
    type of ``types``; None when one of them needs the Python path."""
    key = ("properties", None if schemas is None else tuple(schemas))
    return _kept(types, key, lambda: _properties_of(types, schemas))


def last_modified(types: TypeRegistry) -> TypeProperty:
    """What ``documents.last_modified`` reports: dc:modified, for types with dublincore."""
    return _kept(types, ("lastModified",), lambda: _last_modified_of(types))


def facets(types: TypeRegistry) -> Facets:
    """What ``documents.facets`` reports: the type's, then the document's own."""
    return _kept(types, ("facets",), lambda: _facets_of(types))


def schemas(types: TypeRegistry) -> Schemas:
    """What a document's type and own facets give it: Nuxeo's ``schemas``."""
    return _kept(types, ("schemas",), lambda: _schemas_of(types))


def _kept(types: TypeRegistry, key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """What ``build`` makes of ``types``, once per registry: a listing asks
    for the same for each of its pages."""
    found = _built.get(key)
    if found is not None and found[0] is types:
        return cast(T, found[1])
    spec = build()
    if len(_built) >= 1024:
        _built.clear()
    _built[key] = (types, spec)
    return spec


_built: dict[tuple[Any, ...], tuple[TypeRegistry, Any]] = {}


def _unregistered(types: TypeRegistry) -> ResolvedType:
    """The type a document of a type no longer registered reads as."""
    return types.of("")


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

    def keys_of(doctype: ResolvedType) -> PropertyKeys | None:
        selected = props.select_schemas(doctype, schemas)
        keys: list[tuple[str, bool]] = []
        for schema in doctype.schemas:
            if schema.name not in selected:
                continue
            if schema.structured:  # blobs and complex values: Python renders them
                return None
            keys.extend((k, False) for k in schema.scalar_keys)
            keys.extend((k, True) for k in schema.scalar_list_keys)
        return tuple(keys)

    otherwise = keys_of(_unregistered(types))
    if otherwise is None:
        return None
    groups: dict[PropertyKeys, list[str]] = {}
    for name in types.types:
        keys = keys_of(types.of(name))
        if keys is None:
            return None
        if keys != otherwise:
            groups.setdefault(keys, []).append(name)
    return Properties(tuple((tuple(names), keys) for keys, names in groups.items()), otherwise)


def _last_modified_of(types: TypeRegistry) -> TypeProperty:
    shown = _unregistered(types).has_schema("dublincore")
    exceptions = [n for n in types.types if types.of(n).has_schema("dublincore") != shown]
    return TypeProperty("dc:modified", shown, tuple(exceptions))


def _schemas_of(types: TypeRegistry) -> Schemas:
    def listed(schemas: Iterable[Schema]) -> tuple[tuple[str, str], ...]:
        return tuple((s.name, s.prefix) for s in schemas)

    otherwise = listed(_unregistered(types).schemas)
    by_type = [(n, listed(types.of(n).schemas)) for n in types.types]
    facets = [
        (name, listed(types.schemas[s] for s in facet.schemas if s in types.schemas))
        for name, facet in types.facets.items()
    ]
    return Schemas(
        tuple((n, found) for n, found in by_type if found != otherwise),
        tuple((n, found) for n, found in facets if found),
        otherwise,
    )


def _facets_of(types: TypeRegistry) -> Facets:
    otherwise = _unregistered(types).facets
    by_type = [(n, types.of(n).facets) for n in types.types]
    return Facets(tuple((n, tuple(f)) for n, f in by_type if f != otherwise), tuple(otherwise))
