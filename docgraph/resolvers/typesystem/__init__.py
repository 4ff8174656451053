"""Document types, schemas and facets, declared as data."""

from docgraph.resolvers.typesystem.model import (
    DocType,
    Facet,
    Field,
    FieldType,
    Schema,
    TypeRegistry,
)

__all__ = ["DocType", "Facet", "Field", "FieldType", "Schema", "TypeRegistry"]
