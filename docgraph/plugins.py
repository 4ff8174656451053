"""The extension contract: what a plugin may contribute, and how it is loaded.

A plugin is an installed package declaring an entry point in the group
``docgraph.plugins`` that names a ``register(registry)`` callable. docgraph's
own features register through the same call (``DEFAULT_PLUGINS``). Contributions
are data added to the :class:`Registry` built by ``create_app``; nothing is
loaded at import time.

Extension points (one ``Registry`` attribute or method each):

- ``types``: schemas, facets and document types (``TypeRegistry.add_*``).
- ``operations``: automation operations (``OperationRegistry.add``).
- ``add_adapter(adapter)``: a REST web adapter ``@name`` on a resource.
- ``add_endpoint(name, handler)``: a REST root endpoint ``/api/v1/<name>/...``.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from docgraph.resolvers.operations.registry import OperationRegistry
from docgraph.resolvers.typesystem.model import TypeRegistry

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "docgraph.plugins"

DEFAULT_PLUGINS = (
    "docgraph.resolvers.typesystem.builtin",
    "docgraph.resolvers.operations.core",
    "docgraph.gateway.adapters.children",
    "docgraph.gateway.adapters.op",
    "docgraph.gateway.nuxeo.endpoints",
)


@dataclass
class Registry:
    types: TypeRegistry = field(default_factory=TypeRegistry)
    operations: OperationRegistry = field(default_factory=OperationRegistry)
    # Gateway contributions; typed loosely so that the engine never imports HTTP code.
    adapters: dict[str, Any] = field(default_factory=dict)
    endpoints: dict[str, Any] = field(default_factory=dict)
    loaded: list[str] = field(default_factory=list)

    def add_adapter(self, adapter: Any) -> None:
        self.adapters[adapter.name] = adapter

    def add_endpoint(self, name: str, handler: Any) -> None:
        self.endpoints[name] = handler


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
        importlib.import_module(module).register(registry)
    allowed = None if enabled is None else set(enabled)
    denied = set(disabled)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in denied or (allowed is not None and ep.name not in allowed):
            continue
        ep.load()(registry)
        registry.loaded.append(ep.name)
    for name, register in extra:
        register(registry)
        registry.loaded.append(name)
    if registry.loaded:
        log.info("plugins loaded: %s", ", ".join(registry.loaded))
    return registry
