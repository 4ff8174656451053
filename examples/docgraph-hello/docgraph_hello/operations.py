"""Operations: module-level functions; ``registry.add_operations(module)``
collects every one declared with ``@operation``."""

from __future__ import annotations

from docgraph.plugins import Param, operation
from docgraph.resolvers.model import Document
from docgraph.resolvers.operations.execute import OperationCall


@operation(
    "Hello.Greet",
    category="Hello",
    label="Greet",
    signature=[("void", "string"), ("document", "string")],
    params=[Param("name", description="who to greet; default: the input document")],
    description="Greet someone, or the recipient (else the title) of the input document.",
)
async def greet(call: OperationCall, doc: Document | None, *, name: str | None) -> str:
    if name is None and doc is not None:
        name = doc.properties.get("greeting:recipient") or doc.title
    return f"Hello, {name or 'world'}!"
