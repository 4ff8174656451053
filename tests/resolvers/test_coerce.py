"""Property values: coercion by field type, and rendering with defaults."""

from __future__ import annotations

import pytest

from docgraph.errors import InvalidProperty
from docgraph.resolvers.operations.decode import parse_properties_text
from docgraph.resolvers.properties import render_value
from docgraph.resolvers.typesystem.coerce import coerce
from docgraph.resolvers.typesystem.model import FieldType

T = FieldType.parse


@pytest.mark.parametrize(
    ("spec", "value", "expected"),
    [
        ("string", "x", "x"),
        ("string", 12, "12"),
        ("string", True, "true"),
        ("long", "42", 42),
        ("long", 42.0, 42),
        ("long", "", None),
        ("double", "1.5", 1.5),
        ("double", 2, 2.0),
        ("boolean", "TRUE", True),
        ("boolean", False, False),
        ("date", "2019-03-01", "2019-03-01T00:00:00.000Z"),
        ("date", "2019-03-01T10:15:30Z", "2019-03-01T10:15:30.000Z"),
        ("date", "2019-03-01T10:15:30.123456+01:00", "2019-03-01T09:15:30.123Z"),
        ("string[]", ["a", 1], ["a", "1"]),
        ("string[]", None, []),
        ({"a": "string", "b": "long"}, {"a": "x"}, {"a": "x", "b": None}),
        ([{"label": "string"}], [{"label": "t"}], [{"label": "t"}]),
        ("string", None, None),
    ],
)
def test_coerce(spec, value, expected):
    assert coerce(T(spec), value, "x:y") == expected


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        ("string", {"a": 1}),
        ("string", [1]),
        ("long", "4.5x"),
        ("long", True),
        ("double", "nan"),
        ("boolean", "yes"),
        ("boolean", 1),
        ("date", "tomorrow"),
        ("date", 12),
        ("string[]", "a,b"),
        ({"a": "string"}, {"nope": 1}),
        ({"a": "string"}, "text"),
        ("blob", {"data": "x"}),
    ],
)
def test_coerce_refuses(spec, value):
    with pytest.raises(InvalidProperty):
        coerce(T(spec), value, "x:y")


def test_lenient_text_forms_of_automation():
    assert coerce(T("string[]"), "a,b\\,c", "x", lenient=True) == ["a", "b,c"]
    assert coerce(T({"a": "long"}), '{"a": "3"}', "x", lenient=True) == {"a": 3}
    assert coerce(T([{"a": "long"}]), '[{"a": 1}]', "x", lenient=True) == [{"a": 1}]


def test_render_fills_every_sub_field():
    ftype = T([{"file": "blob", "info": {"w": "long"}}])
    assert render_value(ftype, [{"file": None}]) == [{"file": None, "info": {"w": None}}]
    assert render_value(T({"w": "long"}), None) == {"w": None}
    assert render_value(T("string[]"), None) == []


def test_properties_text():
    text = "dc:title=A = B\n\n# comment\ndc:description=line one\\\nline two\n"
    assert parse_properties_text(text) == {
        "dc:title": "A = B",
        "dc:description": "line one\nline two",
    }
    with pytest.raises(ValueError):
        parse_properties_text("no separator")
