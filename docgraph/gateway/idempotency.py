"""``Idempotency-Key``: a client may send a write again without doing it twice.

The first request with a key runs; one sent while it runs gets 409 with the
key echoed in an ``Idempotency-Key`` header (the Python client's
``OngoingRequestError``); one sent after it finished gets the same answer
again, for ``IDEMPOTENCY_TTL``. Keys belong to the user who sent them.
Answers that are streamed (blobs) or failed (5xx) are not kept: sending the
request again runs it again.
"""

from __future__ import annotations

from aiohttp import web

from docgraph.db import idempotency as db_idempotency
from docgraph.errors import BadRequest
from docgraph.gateway import keys
from docgraph.gateway.middleware import Handler
from docgraph.gateway.nuxeo.json import exception_response

HEADER = "Idempotency-Key"
IDEMPOTENCY_TTL = 24 * 3600.0
MAX_KEY = 256
# Answers kept up to this size; larger ones are answered once.
MAX_KEPT_BODY = 1024 * 1024
_WRITES = frozenset({"POST", "PUT", "DELETE", "PATCH"})


@web.middleware
async def idempotency(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = request.headers.get(HEADER)
    if key is None or request.method not in _WRITES or keys.PRINCIPAL not in request:
        return await handler(request)
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise BadRequest(f"{HEADER} must be 1 to {MAX_KEY} printable characters")
    db = request.app[keys.DATABASE]
    owner = request[keys.PRINCIPAL].username
    # A run older than twice the request time limit has died without finishing.
    stale = 2 * request.app[keys.SETTINGS].request_timeout
    if not await db_idempotency.claim(db, owner, key, IDEMPOTENCY_TTL, stale):
        found = await db_idempotency.request(db, owner, key)
        if found is not None and found["done"]:
            return web.Response(
                status=found["status"],
                body=found["body"],
                headers={"Content-Type": found["content_type"], HEADER: key},
            )
        return exception_response(
            409,
            f"a request with the idempotency key {key!r} is already being processed.",
            {HEADER: key},
        )
    try:
        response = await handler(request)
    except BaseException:
        await db_idempotency.release(db, owner, key)
        raise
    body = response.body if isinstance(response, web.Response) else None
    if isinstance(body, bytes) and len(body) <= MAX_KEPT_BODY and response.status < 500:
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        await db_idempotency.finish(db, owner, key, response.status, content_type, body)
    else:
        await db_idempotency.release(db, owner, key)
    return response
