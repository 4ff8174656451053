"""Rendering options: how a door should write results, decided per request.

The REST door reads them from headers and query parameters
(``gateway/nuxeo/options.py``); engine code (enrichers, writers, fetch of
extended fields) only ever sees this typed value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# ``depth``: how many levels of nested entities get properties and enrichers.
DEPTHS = {"root": 1, "children": 2, "max": 3}


@dataclass(frozen=True, slots=True)
class RenderingOptions:
    # None: no selection was sent, so every schema is written (docgraph's default).
    properties: frozenset[str] | None = None
    enrichers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fetch: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    translate: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    depth: int = 1

    # Entity names are kept lower-case, as headers arrive (fetch-directoryEntry).
    def fetches(self, entity: str, name: str) -> bool:
        return name in self.fetch.get(entity.lower(), ())

    def enrichers_of(self, entity: str) -> tuple[str, ...]:
        return self.enrichers.get(entity.lower(), ())
