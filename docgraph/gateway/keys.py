"""Every typed key of the aiohttp application and request state."""

from __future__ import annotations

from aiohttp import web

from docgraph.db.pool import Database
from docgraph.gateway.deadlines import Deadlines
from docgraph.gateway.runs import AsyncRuns
from docgraph.plugins import Registry
from docgraph.resolvers.bearer import BearerVerifier
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.live import ChangeHub
from docgraph.resolvers.users import Authenticator
from docgraph.settings import Settings

SETTINGS = web.AppKey("settings", Settings)
DATABASE_URL = web.AppKey("database_url", str)
DATABASE = web.AppKey("database", Database)
REGISTRY = web.AppKey("registry", Registry)
AUTHENTICATOR = web.AppKey("authenticator", Authenticator)
DEADLINES = web.AppKey("deadlines", Deadlines)
# Committed changes of every process, for GraphQL subscriptions.
CHANGES = web.AppKey("changes", ChangeHub)
# Operations this process runs in the background (@async).
ASYNC_RUNS = web.AppKey("async_runs", AsyncRuns)
# Disabled unless JWT bearer tokens are configured.
BEARER = web.AppKey("bearer", BearerVerifier)

PRINCIPAL = web.RequestKey("principal", Principal)
# The contexts built for the request, closed when it ends.
CONTEXTS = web.RequestKey("contexts", list[RequestContext])
REQUEST_ID = web.RequestKey("request_id", str)

__all__ = [
    "ASYNC_RUNS",
    "AUTHENTICATOR",
    "BEARER",
    "CHANGES",
    "DATABASE",
    "DATABASE_URL",
    "DEADLINES",
    "PRINCIPAL",
    "REGISTRY",
    "REQUEST_ID",
    "CONTEXTS",
    "SETTINGS",
    "Principal",
]
