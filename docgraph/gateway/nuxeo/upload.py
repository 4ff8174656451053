"""``/api/v1/upload``: batch upload over HTTP (contract: SERVER.md 5.8, CLIENTS.md 5).

The endpoint streams: its body is never read whole. A file's bytes go from
the socket to the blob store (``resolvers/uploads.py``); a client that stops
sending for ``body_timeout`` seconds gets 408. The request deadline does not
apply to the transfer, which may rightly take longer than any query.
"""

from __future__ import annotations

import email.header
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import unquote

import orjson
from aiohttp import BodyPartReader, web

from docgraph.errors import BadRequest, NotFound
from docgraph.gateway import keys
from docgraph.gateway.bodies import read_body, trickled
from docgraph.gateway.nuxeo import json as nx_json
from docgraph.gateway.nuxeo.automation import execute_request
from docgraph.gateway.nuxeo.request import Call, require_method
from docgraph.gateway.nuxeo.units import in_unit
from docgraph.plugins import Call as CallLike
from docgraph.resolvers import uploads
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import BlobList
from docgraph.resolvers.uploads import BatchFile, Upload

_READ = 64 * 1024
_GET = frozenset({"GET", "HEAD"})
_POST = frozenset({"POST"})
_DELETE = frozenset({"DELETE"})
_FILE_METHODS = frozenset({"GET", "HEAD", "POST", "DELETE"})


def _index(text: str) -> int:
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise BadRequest(f"fileIdx must be a number: {text[:40]}")
    return int(text)


def _number(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise BadRequest(f"{name} must be a number: {raw[:40]}")
    return int(raw)


def file_name(raw: str) -> str:
    """``X-File-Name``: percent-encoded UTF-8, or an RFC 2047 encoded word."""
    if raw.startswith("=?"):
        try:
            return str(email.header.make_header(email.header.decode_header(raw)))
        except (ValueError, LookupError, UnicodeDecodeError):
            return raw
    return unquote(raw, errors="replace")


def file_json(found: BatchFile) -> dict[str, Any]:
    out: dict[str, Any] = {"name": found.name, "size": found.size, "uploadType": found.upload_type}
    if found.chunk_count is not None:
        out["uploadedChunkIds"] = list(found.uploaded_chunks)
        out["chunkCount"] = found.chunk_count
    return out


def _uploaded_json(found: BatchFile, size: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "uploaded": "true",
        "batchId": found.batch_id,
        "fileIdx": str(found.index),
        "uploadType": found.upload_type,
        "uploadedSize": str(size),
    }
    if found.chunk_count is not None:
        out["uploadedChunkIds"] = list(found.uploaded_chunks)
        out["chunkCount"] = found.chunk_count
    return out


class _Counted:
    """A body stream that counts what went through it."""

    def __init__(self, source: AsyncIterator[bytes]) -> None:
        self.source = source
        self.size = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for data in self.source:
            self.size += len(data)
            yield data


async def _receive(ctx: RequestContext, batch_id: str, index: int, call: Call) -> web.Response:
    request = call.request
    headers = request.headers
    timeout = ctx.settings.body_timeout
    kind = (headers.get("X-Upload-Type") or "normal").strip().lower()
    chunked = kind == "chunked"
    upload = Upload(
        name=file_name(headers.get("X-File-Name", "")),
        mime_type=headers.get("X-File-Type") or headers.get("Content-Type"),
        declared_size=_number(headers, "X-File-Size"),
        chunk_index=_number(headers, "X-Upload-Chunk-Index") if chunked else None,
        chunk_count=(_number(headers, "X-Upload-Chunk-Count") or 0) if chunked else None,
    )
    html = False
    if request.content_type == "multipart/form-data":
        # Old browsers' form upload: the first file part, named by the part.
        part = await _first_file(request)
        upload = Upload(
            name=part.filename or upload.name,
            mime_type=part.headers.get("Content-Type") or upload.mime_type,
            declared_size=upload.declared_size,
        )
        body = _Counted(trickled(lambda: part.read_chunk(_READ), timeout))
        html = True
    else:
        body = _Counted(trickled(request.content.readany, timeout))
    found = await uploads.upload(ctx, batch_id, index, upload, body)
    status = 202 if upload.chunk_count is not None and not found.complete else 201
    answer = _uploaded_json(found, body.size)
    if html:
        # Answered as HTML for the old browsers' iframe upload, as Nuxeo does.
        text = orjson.dumps(answer).decode()
        return web.Response(text=f"<html>{text}</html>", content_type="text/html", status=status)
    return nx_json.json_response(answer, status)


async def _first_file(request: web.Request) -> BodyPartReader:
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if isinstance(part, BodyPartReader) and part.filename:
            return part
    raise BadRequest("The multipart upload has no file part")


async def _execute(
    ctx: RequestContext, call: Call, batch_id: str, index: int | None, op_id: str
) -> Any:
    """Run an operation on a batch's file, or on all its files (then the
    batch is dropped unless ``X-Batch-No-Drop: true``)."""

    async def run() -> Any:
        if index is None:
            value: Any = BlobList(await uploads.blobs_of(ctx, batch_id))
        else:
            value = await uploads.blob_of(ctx, batch_id, str(index))
        result = await execute_request(ctx, op_id, call, value)
        if call.headers.get("X-Batch-No-Drop", "").strip().lower() != "true":
            await uploads.drop(ctx, batch_id)
        return result

    return await in_unit(ctx, call.request, run)


async def upload_endpoint(ctx: RequestContext, args: tuple[str, ...], call: CallLike) -> Any:
    assert isinstance(call, Call)  # this endpoint reads the request's stream itself
    call.request.app[keys.DEADLINES].lift()
    match args:
        case ():
            require_method(call, _POST, "upload")
            batch_id = await uploads.create_batch(ctx)
            return nx_json.json_response({"batchId": batch_id}, 201)
        case ("handlers",):
            require_method(call, _GET, "upload/handlers")
            listed = [{"name": n} for n in uploads.handlers(ctx)]
            return nx_json.json_response({"handlers": listed})
        case ("handlers", name):
            require_method(call, _GET, "upload/handlers")
            if name not in uploads.handlers(ctx):
                raise NotFound(f"Unknown upload handler: {name}")
            return nx_json.json_response({"name": name})
        case ("new", handler):
            require_method(call, _POST, "upload/new")
            batch_id = await uploads.create_batch(ctx, handler)
            answer: dict[str, Any] = {"provider": handler, "fileEntries": [], "batchId": batch_id}
            if handler == uploads.S3_HANDLER:
                answer["extraInfo"] = await uploads.direct_upload_info(ctx, batch_id)
            return nx_json.json_response(answer)
        case (batch_id,):
            return await _batch(ctx, call, batch_id)
        case (batch_id, "info"):
            require_method(call, _GET, "upload/{batchId}/info")
            found = await uploads.files(ctx, batch_id)
            batch = await uploads.require_batch(ctx, batch_id)
            return nx_json.json_response(
                {
                    "provider": batch["handler"],
                    "fileEntries": [file_json(f) for f in found],
                    "batchId": batch_id,
                }
            )
        case (batch_id, "refreshToken"):
            require_method(call, _POST, "upload/{batchId}/refreshToken")
            batch = await uploads.require_batch(ctx, batch_id)
            if batch["handler"] != uploads.S3_HANDLER:
                return nx_json.exception_response(
                    501, "The default upload handler has no credentials to refresh"
                )
            info = await uploads.direct_upload_info(ctx, batch_id)
            keys_ = ("awsSecretKeyId", "awsSecretAccessKey", "awsSessionToken", "expiration")
            return nx_json.json_response({k: info[k] for k in keys_})
        case (batch_id, "execute", op_id):
            require_method(call, _POST, "upload/{batchId}/execute")
            return await _execute(ctx, call, batch_id, None, op_id)
        case (batch_id, index):
            return await _file(ctx, call, batch_id, _index(index))
        case (batch_id, index, "complete"):
            require_method(call, _POST, "upload/{batchId}/{fileIdx}/complete")
            await read_body(call.request)
            given = await call.json()
            if not isinstance(given, dict):
                raise BadRequest('The body is {"key", "bucket", "name", ...}')
            done = await uploads.complete(ctx, batch_id, _index(index), given)
            return nx_json.json_response(
                {"uploaded": "true", "batchId": batch_id, "fileIdx": str(done.index)}
            )
        case (batch_id, index, "execute", op_id):
            require_method(call, _POST, "upload/{batchId}/{fileIdx}/execute")
            return await _execute(ctx, call, batch_id, _index(index), op_id)
    raise NotFound(f"No such upload resource: {'/'.join(args)[:200]}")


async def _batch(ctx: RequestContext, call: Call, batch_id: str) -> Any:
    require_method(call, _GET | _DELETE, "upload/{batchId}")
    if call.method == "DELETE":
        await uploads.drop(ctx, batch_id)
        return None
    found = await uploads.files(ctx, batch_id)
    if not found:
        return None  # 204: the batch has no file yet
    return nx_json.json_response([file_json(f) for f in found])


async def _file(ctx: RequestContext, call: Call, batch_id: str, index: int) -> Any:
    require_method(call, _FILE_METHODS, "upload/{batchId}/{fileIdx}")
    if call.method == "POST":
        return await _receive(ctx, batch_id, index, call)
    if call.method == "DELETE":
        await uploads.drop_file(ctx, batch_id, index)
        return None
    found = await uploads.file(ctx, batch_id, index)
    return nx_json.json_response(file_json(found), 200 if found.complete else 202)
