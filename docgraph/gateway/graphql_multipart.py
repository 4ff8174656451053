"""GraphQL multipart requests (github.com/jaydenseric/graphql-multipart-request-spec):
files sent with a mutation, for ``Upload`` arguments.

Parts come in the spec's order: ``operations`` (the usual JSON body), ``map``
(which file goes to which variable), then the files. Each file streams into
the blob store as it arrives, before the operation runs and before any
database connection is taken; the variable then holds the stored blob, which
JSON could never express. A multipart request must carry a preflight header
(as Apollo requires): a browser cannot send one cross-site without asking,
so a form on another site cannot make a user's browser upload in their name.
"""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web

from docgraph.db.blobs import store_for
from docgraph.errors import BadRequest
from docgraph.gateway import keys
from docgraph.gateway.bodies import file_part, json_part
from docgraph.resolvers.model import Blob

PREFLIGHT_HEADERS = ("GraphQL-Preflight", "Apollo-Require-Preflight", "X-Apollo-Operation-Name")


async def read(request: web.Request) -> tuple[dict[str, Any], Any, Any]:
    """The request's parameters (query, operationName), variables with the
    files in place, and extensions."""
    if not any(h in request.headers for h in PREFLIGHT_HEADERS):
        raise BadRequest(
            "A multipart GraphQL request needs a GraphQL-Preflight (or "
            "Apollo-Require-Preflight) header"
        )
    settings = request.app[keys.SETTINGS]
    deadlines = request.app[keys.DEADLINES]
    deadlines.lift()  # the files may take longer than a query may
    reader = await request.multipart()
    operations = await _first_json(reader, "operations", settings.max_json_body)
    mapping = await _first_json(reader, "map", settings.max_json_body)
    if not isinstance(operations, dict):
        raise BadRequest("operations must be one JSON object (batches are not supported)")
    if not isinstance(mapping, dict) or not all(
        isinstance(paths, list) and all(isinstance(p, str) for p in paths)
        for paths in mapping.values()
    ):
        raise BadRequest('map must be a JSON object of paths: {"0": ["variables.file"]}')
    if len(mapping) > settings.max_batch_files:
        raise BadRequest(f"At most {settings.max_batch_files} files in one request")
    received: dict[str, Blob] = {}
    store = store_for(settings)
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None or part.name not in mapping:
            raise BadRequest(f"Unexpected part: {str(getattr(part, 'name', None))[:80]}")
        field = part.name
        received[field] = await file_part(store, part, settings)
    deadlines.enter(settings.request_timeout)
    for name, paths in mapping.items():
        if name not in received:
            raise BadRequest(f"File {name[:80]} is in the map but was not sent")
        for path in paths:
            _place(operations, path, received[name])
    return operations, operations.get("variables"), operations.get("extensions")


async def _first_json(reader: MultipartReader, name: str, limit: int) -> Any:
    part = await reader.next()
    if not isinstance(part, BodyPartReader) or part.name != name:
        raise BadRequest(f"The first parts must be operations, then map; expected {name}")
    return await json_part(part, limit)


def _place(operations: dict[str, Any], path: str, blob: Blob) -> None:
    """Put ``blob`` at ``variables.file`` or ``variables.files.1``, where the
    client left a null."""
    *parents, last = path.split(".")
    if not parents or parents[0] != "variables":
        raise BadRequest(f"A file goes into variables, not {path[:80]}")
    target: Any = operations
    for step in [*parents, last][:-1]:
        target = _step(target, step, path)
    if isinstance(target, list) and last.isdigit() and int(last) < len(target):
        target[int(last)] = blob
    elif isinstance(target, dict) and last in target:
        target[last] = blob
    else:
        raise BadRequest(f"No variable at {path[:80]}")


def _step(value: Any, step: str, path: str) -> Any:
    if isinstance(value, dict) and step in value:
        return value[step]
    if isinstance(value, list) and step.isdigit() and int(step) < len(value):
        return value[int(step)]
    raise BadRequest(f"No variable at {path[:80]}")
