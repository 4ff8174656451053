"""Which schemas a property read may name, and the type a document reads as."""

from __future__ import annotations

import pytest

from docgraph.errors import UnknownSchema
from docgraph.plugins import build_registry
from docgraph.resolvers import properties
from docgraph.resolvers.typesystem.model import TypeRegistry


def test_schema_names_are_checked_against_each_registry():
    full = build_registry().types
    properties.check_schemas(full, ["DublinCore", "file"])
    properties.check_schemas(full, ["*"])
    with pytest.raises(UnknownSchema, match="nope"):
        properties.check_schemas(full, ["dublincore", "nope"])
    # The same selection, valid above, is checked again against a registry
    # that lacks one of its schemas.
    partial = TypeRegistry()
    partial.add_schemas(s for name, s in full.schemas.items() if name != "file")
    properties.check_schemas(partial, ["DublinCore"])
    with pytest.raises(UnknownSchema, match="file"):
        properties.check_schemas(partial, ["DublinCore", "file"])
    properties.check_schemas(full, ["DublinCore", "file"])


def test_a_document_reads_as_its_type_plus_its_own_facets():
    types = build_registry().types
    base = types.of("Note")
    assert types.with_facets("Note", ()) is base
    assert types.with_facets("Note", base.facets) is base
    extended = types.with_facets("Note", ("Picture",))
    assert "Picture" in extended.facets
    assert extended.schema_names > base.schema_names
