"""The document model built from a row."""

from __future__ import annotations

import dataclasses

from docgraph.resolvers.model import Document

# Columns named otherwise than the field they fill.
_COLUMN_OF = {"state": "lifecycle_state"}
_TUPLES = {"mixins", "ancestors", "read_acl"}


def test_each_field_is_filled_from_its_own_column():
    # from_record passes the columns by position: each field gets a value
    # only its own column holds.
    fields = [f.name for f in dataclasses.fields(Document) if f.default is dataclasses.MISSING]
    row = {
        _COLUMN_OF.get(name, name): [f"value of {name}"] if name in _TUPLES else f"value of {name}"
        for name in fields
    }
    doc = Document.from_record(row, projected=True)
    for name in fields:
        expected = f"value of {name}"
        assert getattr(doc, name) == ((expected,) if name in _TUPLES else expected), name
    assert doc.projected and doc.live_path is None
