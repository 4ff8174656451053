"""The ``Greeting`` document type and its schema."""

from docgraph.plugins import DocType, Schema

GREETING_SCHEMA = Schema.declare(
    "greeting", "greeting", {"recipient": "string", "message": "string"}
)

GREETING = DocType(
    "Greeting",
    schemas=("common", "dublincore", "greeting"),
    facets=("Commentable",),
)
