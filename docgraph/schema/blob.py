"""The ``Blob`` and ``Rendition`` types and the ``Long`` scalar a blob's length
needs, shared by the generated document types and the fields every document has."""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from graphql import IntValueNode, ValueNode

Long = NewType("Long", int)


def _long_literal(node: ValueNode, variables: dict[str, Any] | None = None) -> int:
    # Integer literals only: a string is refused whatever it says, which keeps
    # validation independent of string values (see pipeline's shape cache).
    if not isinstance(node, IntValueNode):
        raise ValueError("Long literals are integers")
    return int(node.value)


# Give it to the schema's config (``scalar_map``).
LONG = strawberry.scalar(
    name="Long",
    description="A 64-bit integer (file sizes, counters).",
    serialize=int,
    parse_value=int,
    parse_literal=_long_literal,
)


@strawberry.type(description="A file's metadata; its bytes are at url.")
class Blob:
    name: str | None
    mime_type: str | None = strawberry.field(name="mimeType")
    encoding: str | None
    digest_algorithm: str | None = strawberry.field(name="digestAlgorithm")
    digest: str | None
    length: Long | None
    data: str | None = strawberry.field(description="Where to download the bytes (as url).")

    @strawberry.field(description="Where to download the bytes (empty outside a document).")
    def url(self) -> str | None:
        return self.data

    @classmethod
    def of(cls, value: Any) -> Blob | None:
        """From blob JSON (as the engine writes it); None for anything else."""
        return cls.from_json(value) if isinstance(value, dict) else None

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Blob:
        return cls(
            name=value.get("name"),
            mime_type=value.get("mime-type"),
            encoding=value.get("encoding"),
            digest_algorithm=value.get("digestAlgorithm"),
            digest=value.get("digest"),
            length=value.get("length"),
            data=value.get("data"),
        )


@strawberry.type(description="Another form of a document (pdf, thumbnail, xmlExport...).")
class Rendition:
    name: str
    kind: str
    icon: str
    url: str = strawberry.field(description="Where to download it (REST @rendition).")
