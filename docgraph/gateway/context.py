"""The only place a RequestContext is built from an HTTP request (both doors)."""

from __future__ import annotations

from itertools import chain

from aiohttp import web

from docgraph.errors import NotFound
from docgraph.gateway import keys
from docgraph.gateway.nuxeo.options import read_options
from docgraph.resolvers.context import DEFAULT_REPOSITORY, REPOSITORIES, RequestContext
from docgraph.resolvers.rendering import RenderingOptions


def requested_repository(request: web.Request, from_url: str | None = None) -> str:
    """``/repo/{name}`` in the URL, else ``X-NXRepository`` (or ``Repository``,
    ``?nxrepository=``), else ``default``."""
    name = (
        from_url
        or request.headers.get("X-NXRepository")
        or request.headers.get("Repository")
        or request.query.get("nxrepository")
        or DEFAULT_REPOSITORY
    )
    if name not in REPOSITORIES:
        raise NotFound(f"Repository not found: {name}")
    return name


def build_ctx(
    request: web.Request, repository: str | None = None, *, rendering: bool = True
) -> RequestContext:
    """``rendering``: read the REST rendering headers (properties, enrichers,
    fetch, depth); GraphQL selects what it wants instead."""
    app = request.app
    ctx = RequestContext(
        principal=request[keys.PRINCIPAL],
        repository=requested_repository(request, repository),
        database=app[keys.DATABASE].session(),
        registry=app[keys.REGISTRY],
        settings=app[keys.SETTINGS],
        rendering=(
            read_options(chain(request.headers.items(), request.query.items()))
            if rendering
            else RenderingOptions()
        ),
        authenticator=app[keys.AUTHENTICATOR],
        changes=app.get(keys.CHANGES),
        base_url=f"{request.scheme}://{request.host}/nuxeo/",
    )
    request.setdefault(keys.CONTEXTS, []).append(ctx)
    return ctx
