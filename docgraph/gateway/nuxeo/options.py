"""Rendering options, read from headers and query parameters alike.

As in Nuxeo, ``properties``, ``enrichers.<entity>``, ``fetch.<entity>``,
``translate.<entity>`` and ``depth`` may come as a header or a query
parameter, with ``.`` or ``-`` and an optional ``X-NX`` prefix; values are
comma lists and all sources are merged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from docgraph.resolvers.rendering import DEPTHS, RenderingOptions

_PROPERTIES = {"properties", "x-nxproperties", "x-nxdocumentproperties"}
_CATEGORY = re.compile(r"^(?:x-nx)?(enrichers|fetch|translate)[.-]([a-z_]+)$", re.IGNORECASE)


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


# Most requests ask for nothing: they share one value.
_DEFAULT = RenderingOptions()
_PREFIXES = ("properties", "x-nx", "enrichers", "fetch", "translate", "depth")


def read_options(sources: Iterable[tuple[str, str]]) -> RenderingOptions:
    relevant = [(k, v) for k, v in sources if k.lower().startswith(_PREFIXES)]
    if not relevant:
        return _DEFAULT
    return _read(relevant)


def _read(sources: Iterable[tuple[str, str]]) -> RenderingOptions:
    properties: set[str] | None = None
    categories: dict[str, dict[str, list[str]]] = {"enrichers": {}, "fetch": {}, "translate": {}}
    depth = 1
    for raw_key, value in sources:
        key = raw_key.lower()
        if key in _PROPERTIES:
            properties = (properties or set()) | set(_split(value))
        elif key == "x-nxcontext-category":
            categories["enrichers"].setdefault("document", []).extend(_split(value))
        elif key == "depth":
            depth = DEPTHS.get(value.strip().lower(), 1)
        elif ("enrichers" in key or "fetch" in key or "translate" in key) and (
            match := _CATEGORY.match(key)
        ):
            category, entity = match.group(1).lower(), match.group(2)
            categories[category].setdefault(entity, []).extend(_split(value))
    frozen = {c: {e: tuple(v) for e, v in m.items()} for c, m in categories.items()}
    return RenderingOptions(
        properties=None if properties is None else frozenset(properties),
        enrichers=frozen["enrichers"],
        fetch=frozen["fetch"],
        translate=frozen["translate"],
        depth=depth,
    )
