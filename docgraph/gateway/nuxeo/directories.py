"""``/directory``: directories and their entries, as Nuxeo's directory endpoint."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway.nuxeo.request import (
    entity_body,
    page_request,
    query_values,
    require_method,
)
from docgraph.gateway.nuxeo.writers import Created
from docgraph.plugins import Call, Directory, Endpoint, Output, Writer
from docgraph.resolvers import directories
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.directories import DirectoryEntry

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_READ = frozenset({"GET", "HEAD"})
_LIST = frozenset({"GET", "HEAD", "POST"})
_ONE = frozenset({"GET", "HEAD", "PUT", "DELETE"})


async def directory_endpoint(ctx: RequestContext, args: tuple[str, ...], call: Call) -> Any:
    """``/directory``, ``/directory/{name}``, ``/directory/{name}/{entryId}``."""
    if not args:
        require_method(call, _READ, "directory")
        types = [t for t in query_values(call.query, "types") if t]
        return DirectoryList(directories.listed(ctx, types))
    name = args[0]
    if len(args) == 1:
        require_method(call, _LIST, f"directory/{name}")
        if call.method == "POST":
            values = await _entry_values(call, name)
            return Created(await directories.create_entry(ctx, name, values))
        page = page_request(call.query, ctx.settings)
        if "pageSize" not in call.query:
            page = dataclasses.replace(page, page_size=directories.DEFAULT_PAGE_SIZE)
        return await directories.entries(ctx, name, page)
    if len(args) == 2:
        require_method(call, _ONE, f"directory/{name}/{{entryId}}")
        entry_id = args[1]
        if call.method == "PUT":
            return await directories.update_entry(
                ctx, name, entry_id, await _entry_values(call, name)
            )
        if call.method == "DELETE":
            await directories.delete_entry(ctx, name, entry_id)
            return None
        return await directories.get_entry(ctx, name, entry_id)
    raise NotFound(f"No such resource: directory/{'/'.join(args)}")


async def _entry_values(call: Call, name: str) -> dict[str, Any]:
    body = await entity_body(call, "directoryEntry")
    given = body.get("directoryName")
    if given is not None and given != name:
        raise BadRequest(f"The entry is for directory {given}, not {name}")
    values = dict(body.get("properties") or {})
    if "id" in body and "id" not in values:
        values["id"] = body["id"]
    return values


class DirectoryList(list[Directory]):
    """The directories ``GET /directory`` lists."""


def entry_json(entry: DirectoryEntry) -> dict[str, Any]:
    properties: dict[str, Any] = dict(entry.properties)
    if entry.parent is not None:
        properties["parent"] = entry_json(entry.parent)
    return {
        "entity-type": "directoryEntry",
        "directoryName": entry.directory,
        "id": entry.id,
        "properties": properties,
    }


async def write_entry(out: Output, entry: DirectoryEntry) -> dict[str, Any]:
    return entry_json(entry)


async def write_directories(out: Output, found: DirectoryList) -> dict[str, Any]:
    return {
        "entity-type": "directories",
        "entries": [
            {
                "entity-type": "directory",
                "name": d.name,
                "schema": d.schema,
                "idField": d.id_field,
                "parent": d.parent,
            }
            for d in found
        ],
    }


def register(registry: Registry) -> None:
    registry.add_endpoint(
        Endpoint(
            "directory", directory_endpoint, frozenset({"GET", "HEAD", "POST", "PUT", "DELETE"})
        )
    )
    registry.add_writer(Writer(DirectoryEntry, write_entry, entity="directoryEntry"))
    registry.add_writer(Writer(DirectoryList, write_directories))
