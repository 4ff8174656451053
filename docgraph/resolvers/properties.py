"""Reading and writing a document's properties against its type's schemas."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from docgraph.errors import InvalidProperty, UnknownSchema
from docgraph.resolvers.typesystem.coerce import coerce, format_date
from docgraph.resolvers.typesystem.model import FieldType, ResolvedType, TypeRegistry

# Maintained by the engine: values sent by clients are ignored.
SYSTEM_PROPERTIES = frozenset(
    {"dc:created", "dc:modified", "dc:creator", "dc:contributors", "dc:lastContributor"}
)
ALL_SCHEMAS = "*"
# Writes a stored blob (found at an xpath) the way a door shows it.
BlobWriter = Callable[[str, Mapping[str, Any]], Any]


def apply_input(
    types: TypeRegistry,
    doctype: ResolvedType,
    current: Mapping[str, Any],
    incoming: Mapping[str, Any],
    *,
    lenient: bool = False,
) -> dict[str, Any]:
    """Validate and coerce ``incoming``; returns only the properties that change.

    Keys are ``prefix:field`` (or ``schema:field``); a key outside the type's
    schemas is refused. A value equal to what the document already shows (a
    client echoing a fetched document) is no change.
    """
    changes: dict[str, Any] = {}
    for key, value in incoming.items():
        prefix, _, name = key.partition(":")
        schema = types.schema_by_key(prefix) if name else None
        field = schema.field(name) if schema and schema in doctype.schemas else None
        if field is None:
            raise InvalidProperty(f"Unknown property: {key} for type {doctype.name}")
        canonical = field.key
        if canonical in SYSTEM_PROPERTIES:
            continue
        if value == render_value(field.type, current.get(canonical)):
            continue
        coerced = coerce(field.type, value, canonical, lenient=lenient)
        if coerced != current.get(canonical):  # e.g. a blob echoed back
            changes[canonical] = coerced
    return changes


def render_value(
    ftype: FieldType, value: Any, blob: BlobWriter | None = None, xpath: str = ""
) -> Any:
    """A stored value as written in JSON: every sub-field, lists never null;
    blobs through ``blob(xpath, stored)`` when given."""
    if value is None:
        return ftype.default()
    if ftype.is_list:
        if ftype.kind not in ("complex", "blob"):
            return list(value)
        item = ftype.item
        return [render_value(item, v, blob, f"{xpath}/{i}") for i, v in enumerate(value)]
    if ftype.kind == "complex" and isinstance(value, Mapping):
        assert ftype.fields is not None
        return {
            name: render_value(sub, value.get(name), blob, f"{xpath}/{name}")
            for name, sub in ftype.fields.items()
        }
    if ftype.kind == "blob" and blob is not None and isinstance(value, Mapping):
        return blob(xpath, value)
    return value


def check_schemas(types: TypeRegistry, wanted: Collection[str]) -> None:
    """Every name is a registered schema (or ``*``); a document type lacking
    one just renders without it."""
    key = tuple(wanted)
    if _checked.get(key) is types:  # a listing asks the same for each document
        return
    known = types.lowered_schema_names
    unknown = [w for w in wanted if w != ALL_SCHEMAS and w.lower() not in known]
    if unknown:
        raise UnknownSchema(f"Unknown schema: {', '.join(unknown)}")
    if len(_checked) >= _MAX_SELECTIONS:
        _checked.clear()
    _checked[key] = types


# Selections found valid, with the registry they were checked against.
_checked: dict[tuple[str, ...], TypeRegistry] = {}


def select_schemas(doctype: ResolvedType, wanted: Collection[str] | None) -> frozenset[str]:
    """Schema names to render: ``None`` or ``*`` = all; unknown names are skipped."""
    key = None if wanted is None else tuple(wanted)
    cache_key = (doctype.name, doctype.facets, key)
    selected = _selections.get(cache_key)
    if selected is None or selected[0] is not doctype:
        names = [s.name for s in doctype.schemas]
        if wanted is not None and ALL_SCHEMAS not in wanted:
            lowered = {w.lower() for w in wanted}
            names = [n for n in names if n.lower() in lowered]
        selected = (doctype, frozenset(names))
        if len(_selections) >= _MAX_SELECTIONS:
            _selections.clear()
        _selections[cache_key] = selected
    return selected[1]


# Each page renders the same selection for hundreds of documents. The entry
# keeps its type, so a registry rebuilt (tests, plugins) is not confused
# with the old one.
_selections: dict[
    tuple[str, tuple[str, ...], tuple[str, ...] | None], tuple[ResolvedType, frozenset[str]]
] = {}
_MAX_SELECTIONS = 4096


def render(
    doctype: ResolvedType,
    properties: Mapping[str, Any],
    schemas: Collection[str],
    blob: BlobWriter | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for schema in doctype.schemas:
        if schema.name not in schemas:
            continue
        for key in schema.scalar_keys:
            out[key] = properties.get(key)
        for key in schema.scalar_list_keys:
            values = properties.get(key)
            out[key] = [] if values is None else values
        for key, ftype in schema.structured:
            out[key] = render_value(ftype, properties.get(key), blob, key)
    return out


def render_xpath(
    types: TypeRegistry,
    doctype: ResolvedType,
    properties: Mapping[str, Any],
    xpath: str,
    blob: BlobWriter | None = None,
) -> Any:
    """One property (``dc:title``) or a path inside it (``files:files/0/file``)."""
    head, *rest = xpath.split("/")
    prefix, _, name = head.partition(":")
    schema = types.schema_by_key(prefix) if name else None
    field = schema.field(name) if schema and schema in doctype.schemas else None
    if field is None:
        raise InvalidProperty(f"Unknown property: {xpath}")
    value = render_value(field.type, properties.get(field.key), blob, field.key)
    for step in rest:
        if isinstance(value, list) and step.isascii() and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        elif isinstance(value, dict) and step in value:
            value = value[step]
        else:
            raise InvalidProperty(f"Unknown property: {xpath}")
    return value


def system_properties_for_create(doctype: ResolvedType, user: str, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if doctype.has_schema("dublincore"):
        stamp = format_date(now)
        values.update(
            {
                "dc:creator": user,
                "dc:created": stamp,
                "dc:modified": stamp,
                "dc:lastContributor": user,
                "dc:contributors": [user],
            }
        )
    if doctype.has_schema("uid"):
        values.update({"uid:major_version": 0, "uid:minor_version": 0})
    return values


def system_properties_for_update(
    doctype: ResolvedType, current: Mapping[str, Any], user: str, now: datetime
) -> dict[str, Any]:
    if not doctype.has_schema("dublincore"):
        return {}
    contributors = list(current.get("dc:contributors") or [])
    if user not in contributors:
        contributors.append(user)
    return {
        "dc:modified": format_date(now),
        "dc:lastContributor": user,
        "dc:contributors": contributors,
    }
