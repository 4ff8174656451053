"""Cross-cutting HTTP concerns: error rendering and authentication."""

from __future__ import annotations

import asyncio
import base64
import binascii
import ctypes
import ctypes.util
import logging
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web

from docgraph.errors import DocGraphError, DocumentValidation, ServiceUnavailable, Unauthorized
from docgraph.gateway import keys
from docgraph.gateway.nuxeo.json import exception_response, validation_report

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Liveness must answer without credentials (load balancers, orchestrators).
# An invitee answers an invitation before having an account: the one-time
# token in the body is the credential (gateway/nuxeo/invitations.py).
ANONYMOUS_PATHS = frozenset(
    {"/nuxeo/runningstatus", "/nuxeo/runningstatus/", "/nuxeo/site/userRegistration/validate"}
)
# Static files (GraphiQL's scripts and styles) hold nothing to protect.
ANONYMOUS_PREFIX = "/nuxeo/static/"
BASIC_CHALLENGE = 'Basic realm="Nuxeo Automation"'


def _challenge(request: web.Request) -> dict[str, str]:
    if "X-No-Basic-Header" in request.headers:
        return {}
    return {"WWW-Authenticate": BASIC_CHALLENGE}


def _request_id(request: web.Request) -> str:
    """An id to find a failure's log lines from the answer the client got."""
    request_id = request.get(keys.REQUEST_ID)
    if request_id is None:
        request_id = request[keys.REQUEST_ID] = uuid.uuid4().hex[:12]
    return request_id


@web.middleware
async def nuxeo_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure becomes Nuxeo exception JSON; unexpected ones are logged
    with a request id and answered as 500 without internals."""
    debug = request.app[keys.SETTINGS].debug
    try:
        return await handler(request)
    except Unauthorized as exc:
        return exception_response(401, exc.message or "Unauthorized", _challenge(request))
    except DocumentValidation as exc:
        return validation_report(exc)
    except DocGraphError as exc:
        if isinstance(exc, ServiceUnavailable):
            log.warning("request %s shed: %s", _request_id(request), exc.message)
        elif exc.status >= 500:
            log.exception("request %s failed", _request_id(request))
        return exception_response(
            exc.status, exc.message, exc.headers(), debug_exc=exc if debug else None
        )
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        message = exc.text if exc.text and not exc.text.startswith(f"{exc.status}:") else exc.reason
        kept = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "location")}
        return exception_response(exc.status, message, kept)
    except Exception as exc:
        request_id = _request_id(request)
        log.exception("request %s failed: %s %s", request_id, request.method, request.path)
        return exception_response(
            500,
            f"Internal Server Error (request id {request_id})",
            debug_exc=exc if debug else None,
        )


@web.middleware
async def time_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No request runs longer than ``request_timeout``: past it, its work is
    cancelled (a unit of work rolls back, a running query is cancelled) and
    the client is told to retry later."""
    limit = request.app[keys.SETTINGS].request_timeout
    deadlines = request.app[keys.DEADLINES]
    task = deadlines.enter(limit)
    try:
        return await handler(request)
    except asyncio.CancelledError:
        if not deadlines.leave(task):
            raise  # cancelled for another reason: the client went away, shutdown
        raise ServiceUnavailable(f"The request took longer than {limit:g} s") from None
    finally:
        deadlines.leave(task)


@web.middleware
async def close_contexts(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The request's contexts give their connection back and drop their caches;
    after a large request or answer, freed memory goes back to the system."""
    response: web.StreamResponse | None = None
    try:
        response = await handler(request)
        return response
    finally:
        for ctx in request.get(keys.CONTEXTS, ()):
            await ctx.close()
        body = response.body if isinstance(response, web.Response) else None
        sent = len(body) if isinstance(body, bytes) else 0
        if max(request.content_length or 0, sent) >= _LARGE:
            release_memory()


# A request or response this large leaves enough freed memory to hand back.
_LARGE = 256 * 1024


def _malloc_trim() -> Callable[[], None]:
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return lambda: None
    return lambda: trim(0)


# glibc keeps freed blocks for reuse; after a burst of large bodies that is
# hundreds of MiB the process never needs again.
release_memory = _malloc_trim()


def _basic_credentials(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise Unauthorized("Unsupported authentication scheme")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError) as exc:  # ValueError: non-ASCII, bad UTF-8
        raise Unauthorized("Malformed Basic credentials") from exc
    username, sep, password = decoded.partition(":")
    if not sep or not username or "\x00" in decoded:
        raise Unauthorized("Malformed Basic credentials")
    return username, password


# What a browser may send and read across origins (the clients' headers).
_CORS_HEADERS = ", ".join(
    [
        "Authorization",
        "Content-Type",
        "Accept",
        "X-Authentication-Token",
        "X-NXproperties",
        "X-NXDocumentProperties",
        "X-NXRepository",
        "X-NXVoidOperation",
        "X-No-Basic-Header",
        "X-Batch-No-Drop",
        "X-Versioning-Option",
        "source",
        "Update-Comment",
        "Nuxeo-Transaction-Timeout",
        "depth",
        "properties",
        "repository",
        "enrichers-document",
        "fetch-document",
        "translate-document",
    ]
)
_CORS_METHODS = "GET, HEAD, POST, PUT, DELETE, OPTIONS"


def _allowed_origin(request: web.Request) -> str | None:
    origin = request.headers.get("Origin")
    allowed = request.app[keys.SETTINGS].cors_origins
    if origin is None or not allowed:
        return None
    return origin if "*" in allowed or origin in allowed else None


@web.middleware
async def cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Cross-origin calls from the configured browser origins: preflights are
    answered here (before authentication: browsers send no credentials with
    them), answers name the origin. Others get no CORS header, so browsers
    refuse them."""
    origin = _allowed_origin(request)
    if origin is None:
        return await handler(request)
    vary = {"Vary": "Origin", "Access-Control-Allow-Origin": origin}
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        return web.Response(
            status=204,
            headers={
                **vary,
                "Access-Control-Allow-Methods": _CORS_METHODS,
                "Access-Control-Allow-Headers": _CORS_HEADERS,
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Max-Age": "600",
            },
        )
    response = await handler(request)
    response.headers.update(vary)
    response.headers["Access-Control-Allow-Credentials"] = "true"
    response.headers["Access-Control-Expose-Headers"] = "Content-Disposition, Retry-After"
    return response


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in ANONYMOUS_PATHS or request.path.startswith(ANONYMOUS_PREFIX):
        return await handler(request)
    token = request.headers.get("X-Authentication-Token") or request.query.get("token")
    if token:
        request[keys.PRINCIPAL] = await request.app[keys.AUTHENTICATOR].authenticate_token(
            request.app[keys.DATABASE], token, request.remote or ""
        )
        return await handler(request)
    header = request.headers.get("Authorization")
    if not header:
        raise Unauthorized("Authentication required")
    scheme, _, value = header.partition(" ")
    verifier = request.app[keys.BEARER]
    if scheme.lower() == "bearer" and verifier.enabled:
        request[keys.PRINCIPAL] = await request.app[keys.AUTHENTICATOR].authenticate_bearer(
            request.app[keys.DATABASE], verifier, value.strip(), request.remote or ""
        )
        return await handler(request)
    username, password = _basic_credentials(header)
    request[keys.PRINCIPAL] = await request.app[keys.AUTHENTICATOR].authenticate(
        request.app[keys.DATABASE], username, password, request.remote or ""
    )
    return await handler(request)
