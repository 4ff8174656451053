"""An automation request's ``input`` as engine values."""

from __future__ import annotations

import re
from typing import Any

from docgraph.errors import BadRequest
from docgraph.resolvers.invitations import UserEntity
from docgraph.resolvers.model import parse_ref

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def decode_input(value: Any) -> Any:
    """``doc:ref``, ``docs:a,b``, a bare id or path, a list of refs, a document
    object become references; any other string stays a string."""
    if value is None:
        return None
    if isinstance(value, list):
        return [decode_input(v) if isinstance(v, str | dict) else v for v in value]
    if isinstance(value, dict):
        if value.get("entity-type") == "document" and isinstance(value.get("uid"), str):
            return parse_ref(value["uid"])
        if value.get("entity-type") == "string":
            return str(value.get("value"))
        if value.get("entity-type") == "user":
            return UserEntity.of(value)
        raise BadRequest("Unsupported input object")
    if not isinstance(value, str):
        raise BadRequest("Unsupported input value")
    if value.startswith("doc:"):
        return parse_ref(value[4:])
    if value.startswith("docs:"):
        return [parse_ref(ref.strip()) for ref in value[5:].split(",") if ref.strip()]
    if value.startswith("/") or _UUID.match(value):
        return parse_ref(value)
    return value


def parse_properties_text(text: str) -> dict[str, str]:
    """``key=value`` lines; a line ending with a backslash continues on the next."""
    result: dict[str, str] = {}
    pending = ""
    for raw in text.splitlines():
        line = pending + raw
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending = line[:-1] + "\n"
            continue
        pending = ""
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, val = line.partition("=")
        if not sep:
            raise ValueError(f"not a key=value line: {line!r}")
        result[key.strip()] = val
    return result
