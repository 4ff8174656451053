"""Reading a REST request: JSON bodies and paging parameters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import orjson
from aiohttp import web

from docgraph.errors import BadRequest, MethodNotAllowed, UnsupportedMediaType
from docgraph.plugins import Call as CallLike
from docgraph.resolvers import documents
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.documents import parse_sort
from docgraph.resolvers.model import PageRequest
from docgraph.settings import Settings

JSON_TYPES = frozenset(
    {"application/json", "application/json+nxrequest", "application/json+nxentity", "text/json"}
)


@dataclass(slots=True)
class Call:
    """The HTTP side of one step: its method, query, headers and (lazily) its
    body; ``request`` for what only aiohttp offers (streams)."""

    method: str
    request: web.Request
    piped: bool = False

    @property
    def query(self) -> Mapping[str, str]:
        return self.request.query

    @property
    def headers(self) -> Mapping[str, str]:
        return self.request.headers

    async def json(self) -> Any:
        return await read_json(self.request)


def request_of(call: CallLike) -> web.Request:
    """The aiohttp request behind a REST door's call, for the doors that read
    its stream or its form themselves."""
    if not isinstance(call, Call):
        raise TypeError("this door reads the request's stream: it needs the REST door's call")
    return call.request


async def read_json(request: web.Request) -> Any:
    """The body as JSON; ``None`` when empty (clients send body-less requests
    labelled JSON). A body must be labelled JSON: besides being the contract,
    that keeps cross-site "simple" requests from acting with a browser's
    cached credentials."""
    body = await request.read()
    if not body.strip():
        return None
    content_type = request.content_type
    if content_type not in JSON_TYPES:
        raise UnsupportedMediaType(f"Unsupported content type: {content_type}")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"Malformed JSON body: {exc}") from exc


# Paging parameters are 32-bit in Nuxeo; larger values are a client's mistake.
MAX_PAGING_VALUE = 2**31 - 1
_INTEGER = re.compile(r"-?[0-9]{1,10}")


def _int(query: Mapping[str, str], *names: str, default: int) -> int:
    for name in names:
        raw = query.get(name)
        if raw is not None and raw != "":
            # Bounded before int(): a 5,000-digit number is refused, not parsed.
            if not _INTEGER.fullmatch(raw):
                raise BadRequest(f"Parameter {name} must be an integer: {raw[:32]}")
            value = int(raw)
            if abs(value) > MAX_PAGING_VALUE:
                raise BadRequest(f"Parameter {name} must be at most {MAX_PAGING_VALUE}")
            return value
    return default


def require_method(call: CallLike, methods: frozenset[str], what: str) -> None:
    """405 with ``Allow`` when ``call``'s method is not one of ``methods``."""
    if call.method not in methods:
        raise MethodNotAllowed(f"Method {call.method} is not allowed on {what}", methods)


def page_request(query: Mapping[str, str], settings: Settings) -> PageRequest:
    index = _int(query, "currentPageIndex", "page", default=0)
    size = _int(query, "pageSize", default=settings.default_page_size)
    offset = _int(query, "offset", default=-1)
    return PageRequest(
        page_index=index,
        page_size=size,
        sort=parse_sort(query.get("sortBy"), query.get("sortOrder")),
        offset=None if offset == -1 and "offset" not in query else offset,
    )


def documents_page(ctx: RequestContext, call: CallLike) -> PageRequest:
    """``page_request`` for a page of documents. Written straight out (not
    piped into another step), the page reads only the properties its answer
    shows."""
    page = page_request(call.query, ctx.settings)
    if call.piped:
        return page
    return replace(page, projection=documents.listing_projection(ctx))


async def entity_body(call: CallLike, entity_type: str) -> dict[str, Any]:
    """The JSON body of a ``user``, ``group``, ``directoryEntry``... entity,
    its ``properties`` (if any) an object."""
    body = await call.json()
    if not isinstance(body, dict) or body.get("entity-type") != entity_type:
        raise BadRequest(f"The body must be a JSON {entity_type} entity")
    properties = body.get("properties")
    if properties is not None and not isinstance(properties, dict):
        raise BadRequest("properties must be a JSON object")
    return body


def query_values(query: Mapping[str, str], name: str) -> list[str]:
    """Every value of a repeated query parameter (``?types=a&types=b``)."""
    getall = getattr(query, "getall", None)
    if getall is not None:
        return list(getall(name, []))
    return [query[name]] if name in query else []
