"""Loading contributions: docgraph's own features, then installed plugins."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from importlib.metadata import entry_points

from docgraph.plugins.chains import chains_file
from docgraph.plugins.registry import Registry
from docgraph.settings import Settings

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "docgraph.plugins"

# docgraph's own features, registered through the same call a plugin uses.
DEFAULT_PLUGINS = (
    "docgraph.resolvers.typesystem.builtin",
    "docgraph.resolvers.operations.coerce",
    "docgraph.resolvers.operations.notification",
    "docgraph.resolvers.operations.fetch",
    "docgraph.resolvers.operations.document",
    "docgraph.resolvers.operations.properties",
    "docgraph.resolvers.operations.versions",
    "docgraph.resolvers.operations.proxies",
    "docgraph.resolvers.operations.audit",
    "docgraph.resolvers.operations.directories",
    "docgraph.resolvers.operations.suggestions",
    "docgraph.resolvers.operations.security",
    "docgraph.resolvers.operations.collections",
    "docgraph.resolvers.operations.relations",
    "docgraph.resolvers.operations.accounts",
    "docgraph.resolvers.operations.search",
    "docgraph.resolvers.operations.bulk",
    "docgraph.resolvers.operations.blob",
    "docgraph.resolvers.operations.context",
    "docgraph.resolvers.converters",
    "docgraph.resolvers.renditions",
    "docgraph.resolvers.business",
    "docgraph.resolvers.previews",
    "docgraph.resolvers.enrichers",
    "docgraph.resolvers.search",
    "docgraph.resolvers.live",
    "docgraph.resolvers.directories",
    "docgraph.resolvers.audit",
    "docgraph.resolvers.invitations",
    "docgraph.resolvers.tags",
    "docgraph.resolvers.collections",
    "docgraph.resolvers.notifications",
    "docgraph.resolvers.bulk_actions",
    "docgraph.gateway.nuxeo.writers",
    "docgraph.gateway.adapters.children",
    "docgraph.gateway.adapters.acl",
    "docgraph.gateway.adapters.op",
    "docgraph.gateway.adapters.blob",
    "docgraph.gateway.adapters.convert",
    "docgraph.gateway.adapters.rendition",
    "docgraph.gateway.adapters.bo",
    "docgraph.gateway.adapters.preview",
    "docgraph.gateway.adapters.comment",
    "docgraph.gateway.adapters.audit",
    "docgraph.gateway.nuxeo.endpoints",
    "docgraph.gateway.nuxeo.accounts",
    "docgraph.gateway.nuxeo.directories",
    "docgraph.gateway.nuxeo.invitations",
    "docgraph.gateway.nuxeo.tokens",
    "docgraph.gateway.nuxeo.search",
    "docgraph.gateway.nuxeo.bulk",
    "docgraph.gateway.nuxeo.conversions",
    "docgraph.schema.root",
    "docgraph.schema.accounts",
    "docgraph.schema.directories",
    "docgraph.schema.comments",
    "docgraph.schema.audit",
    "docgraph.schema.invitations",
    "docgraph.schema.security",
    "docgraph.schema.collections",
    "docgraph.schema.notifications",
    "docgraph.schema.search",
    "docgraph.schema.bulk",
    "docgraph.schema.live",
    "docgraph.schema.files",
    "docgraph.schema.operations",
)


class PluginError(RuntimeError):
    """A plugin could not be loaded; start-up stops."""


def _register(registry: Registry, name: str, register: Callable[[Registry], None]) -> None:
    registry.contributor = name
    try:
        register(registry)
    except Exception as exc:
        raise PluginError(f"plugin {name!r} failed to register: {exc}") from exc
    finally:
        registry.contributor = "docgraph"


def configured_registry(settings: Settings) -> Registry:
    """The registry the settings ask for: plugins allowed and denied, and the
    chains file."""
    extra = []
    if settings.chains_file is not None:
        extra.append(("chains file", chains_file(settings.chains_file)))
    return build_registry(enabled=settings.plugins, disabled=settings.disabled_plugins, extra=extra)


def build_registry(
    *,
    enabled: Iterable[str] | None = None,
    disabled: Iterable[str] = (),
    extra: Iterable[tuple[str, Callable[[Registry], None]]] = (),
) -> Registry:
    """Default features, then installed plugins (narrowed by the allow/deny
    lists of the settings), then ``extra`` (name, register) pairs."""
    registry = Registry()
    for module in DEFAULT_PLUGINS:
        registry.contributor = module
        importlib.import_module(module).register(registry)
    registry.contributor = "docgraph"
    allowed = None if enabled is None else set(enabled)
    denied = set(disabled)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in denied or (allowed is not None and ep.name not in allowed):
            continue
        try:
            register = ep.load()
        except Exception as exc:
            raise PluginError(f"plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        _register(registry, ep.name, register)
        registry.loaded.append(ep.name)
    for name, register in extra:
        _register(registry, name, register)
        registry.loaded.append(name)
    try:
        registry.check()
    except TypeError as exc:
        raise PluginError(str(exc)) from exc
    return registry
