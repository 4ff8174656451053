"""The few expressions a chain step's parameters may hold.

Nuxeo evaluates MVEL there; docgraph takes the forms chains use to pass
values along, and refuses any other (a 400, never a wrong value):

- ``expr:ChainParameters['name']``: a parameter the chain was called with;
- ``expr:Context['name']``: a context variable;
- ``expr:CurrentUser.name``: who runs the chain;
- ``@{...}`` with one of these inside a text, replaced by its value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from docgraph.errors import BadRequest

_TERM = r"""(?:(ChainParameters|Context)\[\s*['"]([^'"]{1,200})['"]\s*\]|(CurrentUser\.name))"""
_WHOLE = re.compile(rf"\s*{_TERM}\s*")
_TEMPLATE = re.compile(rf"@\{{\s*{_TERM}\s*\}}")


def _value(
    match: re.Match[str], chain: Mapping[str, Any], variables: Mapping[str, Any], user: str
) -> Any:
    source, name, current_user = match.groups()
    if current_user:
        return user
    values = chain if source == "ChainParameters" else variables
    return values.get(name)


def resolve(
    params: Mapping[str, Any], chain: Mapping[str, Any], variables: Mapping[str, Any], user: str
) -> dict[str, Any]:
    """A step's parameters with their expressions evaluated."""
    out: dict[str, Any] = {}
    for key, raw in params.items():
        if isinstance(raw, str) and raw.startswith("expr:"):
            whole = _WHOLE.fullmatch(raw[5:])
            if whole is None:
                raise BadRequest(f"Unsupported expression in parameter {key}: {raw[:80]}")
            out[key] = _value(whole, chain, variables, user)
        elif isinstance(raw, str) and "@{" in raw:
            out[key] = _TEMPLATE.sub(
                lambda m: "" if (v := _value(m, chain, variables, user)) is None else str(v), raw
            )
            if "@{" in out[key]:
                raise BadRequest(f"Unsupported expression in parameter {key}: {raw[:80]}")
        else:
            out[key] = raw
    return out
