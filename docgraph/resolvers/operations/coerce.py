"""The standard parameter and input types of operations.

Registered like any contribution, so that a plugin can add its own (the
files feature adds ``blob`` and ``bloblist``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import DocRef, Document, DocumentList, Page, parse_ref
from docgraph.resolvers.operations.decode import decode_input, parse_properties_text
from docgraph.resolvers.typesystem.coerce import format_date, parse_date

if TYPE_CHECKING:
    from docgraph.plugins import Registry


async def as_string(_: RequestContext, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    raise TypeError("a string is expected")


async def as_boolean(_: RequestContext, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise TypeError("a boolean is expected")


async def as_integer(_: RequestContext, value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("an integer is expected")
    return int(value)


def _ref(value: Any) -> DocRef:
    ref = decode_input(value.strip() if isinstance(value, str) else value)
    if isinstance(ref, str):
        ref = parse_ref(ref)
    if isinstance(ref, list):
        raise TypeError("one document is expected")
    return ref


async def as_document(ctx: RequestContext, value: Any) -> Document:
    return await documents.get(ctx, _ref(value))


async def as_documents(ctx: RequestContext, value: Any) -> DocumentList:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list):
        raise TypeError("a list of documents is expected")
    if len(items) > ctx.settings.max_input_documents:
        raise ValueError(f"at most {ctx.settings.max_input_documents} documents are accepted")
    return DocumentList([await documents.get(ctx, _ref(item)) for item in items])


async def as_stringlist(_: RequestContext, value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        return [v.replace("\\,", ",") for v in re.split(r"(?<!\\),", value) if v != ""]
    raise TypeError("a list of strings is expected")


async def as_properties(_: RequestContext, value: Any) -> dict[str, Any]:
    """A JSON object, or Java-properties text (``key=value`` lines)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        return parse_properties_text(value)
    raise TypeError("properties are expected")


async def as_date(_: RequestContext, value: Any) -> str:
    if isinstance(value, str):
        return format_date(parse_date(value))
    raise TypeError("a date is expected")


async def as_is(_: RequestContext, value: Any) -> Any:
    return value


PARAM_TYPES = {
    "string": as_string,
    "boolean": as_boolean,
    "integer": as_integer,
    "long": as_integer,
    "document": as_document,
    "documents": as_documents,
    "stringlist": as_stringlist,
    "properties": as_properties,
    "date": as_date,
    "object": as_is,
    # Nuxeo's type of User.Invite's validationMethod (EMAIL or NONE).
    "validationmethod": as_string,
    "serializable": as_is,
}


def register(registry: Registry) -> None:
    for name, coercer in PARAM_TYPES.items():
        registry.add_param_type(name, coercer)
    registry.add_input_type("document", Document)
    registry.add_input_type("documents", DocumentList, Page)
    registry.add_input_type("string", str)
