"""docgraph-hello: one contribution to each of docgraph's extension points.

docgraph calls :func:`register` at start-up because ``pyproject.toml``
declares it under the ``docgraph.plugins`` entry point group.
"""

from __future__ import annotations

from pathlib import Path

from docgraph.plugins import Adapter, Endpoint, Enricher, Registry
from docgraph.resolvers.model import Document
from docgraph_hello import greetings, operations, wordcount
from docgraph_hello.graphql import HelloQuery
from docgraph_hello.types import GREETING, GREETING_SCHEMA


def register(registry: Registry) -> None:
    registry.add_schemas([GREETING_SCHEMA])
    registry.add_types([GREETING])
    registry.allow_subtypes("Workspace", ["Greeting"])
    registry.allow_subtypes("Folder", ["Greeting"])

    registry.add_operations(operations)
    registry.add_endpoint(
        Endpoint("hello", greetings.endpoint, methods=frozenset({"GET", "HEAD", "POST"}))
    )
    registry.add_adapter(Adapter("wordcount", wordcount.adapter, accepts=(Document,)))
    registry.add_enricher(Enricher("document", "wordcount", wordcount.enricher))
    registry.add_graphql(query=HelloQuery)
    registry.add_migrations(Path(__file__).parent / "migrations")
