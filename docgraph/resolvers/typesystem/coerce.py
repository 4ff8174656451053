"""Turn client-supplied JSON into stored property values, field type by field type.

Stored values are plain JSON: dates as UTC ``yyyy-MM-ddTHH:mm:ss.SSSZ`` strings
(which sort like the instants they name), longs as integers, lists never null.
Anything that cannot be read as the field's type raises
``InvalidProperty("Unable to deserialize property: <xpath>")`` as Nuxeo does.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime
from typing import Any

import orjson

from docgraph.errors import InvalidProperty
from docgraph.resolvers.model import Blob
from docgraph.resolvers.typesystem.model import FieldType

_UNESCAPED_COMMA = re.compile(r"(?<!\\),")


def format_date(value: datetime) -> str:
    value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_date(text: str) -> datetime:
    """ISO-8601 date or date-time; no zone means UTC."""
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = datetime.combine(date.fromisoformat(text), datetime.min.time())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def coerce(ftype: FieldType, value: Any, xpath: str, *, lenient: bool = False) -> Any:
    """``lenient`` reads automation's text forms too: ``a,b`` for a list, JSON
    text for a complex value."""
    try:
        return _coerce(ftype, value, xpath, lenient)
    except (ValueError, TypeError, OverflowError, orjson.JSONDecodeError) as exc:
        raise InvalidProperty(f"Unable to deserialize property: {xpath}") from exc


def _coerce(ftype: FieldType, value: Any, xpath: str, lenient: bool) -> Any:
    if ftype.is_list:
        if value is None or value == "":
            return []
        if isinstance(value, str) and lenient:
            value = (
                orjson.loads(value)
                if ftype.kind == "complex"
                else [v.replace("\\,", ",") for v in _UNESCAPED_COMMA.split(value)]
            )
        if not isinstance(value, list):
            raise TypeError("a list is expected")
        item = ftype.item
        return [_coerce(item, v, f"{xpath}/{i}", lenient) for i, v in enumerate(value)]
    if value is None:
        return None
    if ftype.kind == "complex":
        if isinstance(value, str) and lenient:
            value = orjson.loads(value)
        if not isinstance(value, dict):
            raise TypeError("an object is expected")
        assert ftype.fields is not None
        unknown = set(value) - set(ftype.fields)
        if unknown:
            raise InvalidProperty(f"Unknown property: {xpath}/{sorted(unknown)[0]}")
        return {
            name: _coerce(sub, value.get(name), f"{xpath}/{name}", lenient)
            for name, sub in ftype.fields.items()
        }
    return _SCALARS[ftype.kind](value)


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        if "\x00" in value:
            # PostgreSQL text cannot hold NUL.
            raise ValueError("NUL character in text")
        return value
    raise TypeError("a string is expected")


def _bounded(bits: int) -> Any:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def parse(value: Any) -> int | None:
        if isinstance(value, bool):
            raise TypeError("an integer is expected")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, str):
            if not value.strip():
                return None
            value = int(value.strip())
        if not isinstance(value, int):
            raise TypeError("an integer is expected")
        if not low <= value <= high:
            raise ValueError(f"out of range for a {bits}-bit integer")
        return value

    return parse


def _double(value: Any) -> float | None:
    if isinstance(value, bool):
        raise TypeError("a number is expected")
    if isinstance(value, str):
        if not value.strip():
            return None
        value = float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    raise TypeError("a finite number is expected")


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        if lowered == "":
            return None
    raise TypeError("a boolean is expected")


def _date(value: Any) -> str | None:
    if isinstance(value, str):
        return format_date(parse_date(value)) if value.strip() else None
    raise TypeError("a date is expected")


def _binary(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise TypeError("base64 text is expected")


def _blob(value: Any) -> dict[str, Any]:
    # Blob inputs (upload references, echoes) were resolved into Blob objects
    # beforehand (resolvers/blobs.py): a client's JSON can never be one.
    if isinstance(value, Blob):
        return value.stored()
    raise TypeError("a blob is set from an upload batch")


_SCALARS = {
    "string": _string,
    "long": _bounded(64),
    "integer": _bounded(32),
    "double": _double,
    "boolean": _boolean,
    "date": _date,
    "binary": _binary,
    "blob": _blob,
}
