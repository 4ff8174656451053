"""Directory operations: entries as a JSON blob, and changing them in bulk
(administrators and power users), as Nuxeo's Directory.* operations."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import orjson

from docgraph.errors import BadRequest
from docgraph.resolvers import directories
from docgraph.resolvers.model import Document, GeneratedFile, PageRequest
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_CATEGORY = "Services"
_NAME = Param("directoryName", required=True, arg="name")
_ENTRIES = Param("entries", required=True, description="a JSON array (of entries, or of ids)")
MAX_ENTRIES = 1000


def json_blob(value: Any, name: str) -> GeneratedFile:
    body = orjson.dumps(value)

    async def once() -> AsyncIterator[bytes]:
        yield body

    return GeneratedFile(name, "application/json", once())


def _array(text: str, what: str) -> list[Any]:
    try:
        found = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise BadRequest(f"entries must be a JSON array of {what}") from None
    if not isinstance(found, list) or len(found) > MAX_ENTRIES:
        raise BadRequest(f"entries must be a JSON array of at most {MAX_ENTRIES} {what}")
    return found


@operation(
    "Directory.Entries",
    label="Get Vocabulary Entries",
    category=_CATEGORY,
    signature=[("void", "blob"), ("document", "blob")],
    params=[
        _NAME,
        Param("translateLabels", type="boolean", default=False, arg="translate"),
        Param("lang"),
    ],
    description="Every entry of a directory (its fields), as a JSON array. Labels are "
    "message keys: there are no translations to apply.",
)
async def entries(
    call: OperationCall, _input: Document | None, *, name: str, translate: bool, lang: str | None
) -> GeneratedFile:
    found = await directories.entries(call.ctx, name, PageRequest(0, 0))
    return json_blob([dict(e.properties) for e in found.entries], f"{name}.json")


@operation(
    "Directory.ReadEntries",
    label="Read Entries",
    category=_CATEGORY,
    signature=[("void", "blob")],
    params=[_NAME, _ENTRIES],
    description="The entries with these ids (a JSON array of their fields).",
)
async def read_entries(
    call: OperationCall, _input: None, *, name: str, entries: str
) -> GeneratedFile:
    ids = _array(entries, "ids")
    found = [await directories.find_entry(call.ctx, name, str(i)) for i in ids]
    return json_blob([dict(e.properties) for e in found if e is not None], f"{name}.json")


@operation(
    "Directory.CreateEntries",
    label="Create Entries",
    category=_CATEGORY,
    signature=[("void", "blob")],
    params=[_NAME, _ENTRIES],
    description="Create entries (a JSON array of their fields); their ids.",
)
async def create_entries(
    call: OperationCall, _input: None, *, name: str, entries: str
) -> GeneratedFile:
    created = []
    for values in _array(entries, "entries"):
        if not isinstance(values, dict):
            raise BadRequest("Each entry is a JSON object of its fields")
        created.append((await directories.create_entry(call.ctx, name, values)).id)
    return json_blob(created, f"{name}.json")


@operation(
    "Directory.UpdateEntries",
    label="Update Entries",
    category=_CATEGORY,
    signature=[("void", "blob")],
    params=[_NAME, _ENTRIES],
    description="Change entries (a JSON array of their fields, with their id); their ids.",
)
async def update_entries(
    call: OperationCall, _input: None, *, name: str, entries: str
) -> GeneratedFile:
    directory = directories.definition(call.ctx, name)
    updated = []
    for values in _array(entries, "entries"):
        if not isinstance(values, dict) or not isinstance(values.get(directory.id_field), str):
            raise BadRequest(f"Each entry is a JSON object with its {directory.id_field}")
        entry_id = values[directory.id_field]
        updated.append((await directories.update_entry(call.ctx, name, entry_id, values)).id)
    return json_blob(updated, f"{name}.json")


@operation(
    "Directory.DeleteEntries",
    label="Delete Entries",
    category=_CATEGORY,
    signature=[("void", "blob")],
    params=[_NAME, _ENTRIES, Param("markObsolete", type="boolean", default=False, arg="obsolete")],
    description="Remove entries by id (or, with markObsolete, mark them obsolete); their ids.",
)
async def delete_entries(
    call: OperationCall, _input: None, *, name: str, entries: str, obsolete: bool
) -> GeneratedFile:
    done = []
    for entry_id in _array(entries, "ids"):
        if not isinstance(entry_id, str):
            raise BadRequest("entries must be a JSON array of ids")
        if obsolete:
            await directories.update_entry(call.ctx, name, entry_id, {"obsolete": 1})
        else:
            await directories.delete_entry(call.ctx, name, entry_id)
        done.append(entry_id)
    return json_blob(done, f"{name}.json")


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
