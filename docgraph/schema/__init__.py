"""The GraphQL schema (strawberry): thin fields over the engine's resolvers."""

from docgraph.schema.root import build_schema

__all__ = ["build_schema"]
