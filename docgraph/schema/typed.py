"""GraphQL types generated from the type registry, at start-up.

Every document type becomes an object type implementing the ``Document``
interface and the interfaces of its facets. Each schema it has becomes a
typed field: ``dublincore { title subjects modified }``, ``file { content {
name mimeType length } }``. Types, facets and schemas contributed by plugins
appear the same way. ``properties(schemas:)`` stays as the JSON escape hatch.

Names follow the registry: a document type keeps its name (``File``), a
facet too (``Folderish``), a schema's type is its name with ``Schema``
(``DublincoreSchema``), a schema field is camel-cased (``mime_type`` ->
``mimeType``). A name already taken gets a suffix (the ``Document`` type is
``DocumentType``, the ``Picture`` facet ``PictureFacet``, the ``uid`` schema's
field ``uidSchema``).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import strawberry
from strawberry.types import Info

from docgraph.resolvers import blobs, properties
from docgraph.resolvers.typesystem.model import FieldType, Schema, TypeRegistry
from docgraph.schema.blob import Blob, Long
from docgraph.schema.documents import Document, implementations

_SCALARS: dict[str, Any] = {
    "string": str,
    "boolean": bool,
    "integer": int,
    "long": Long,
    "double": float,
    "date": str,
    "binary": str,
}
_NOT_A_NAME = re.compile(r"[^_0-9A-Za-z]")


def graphql_name(raw: str, upper: bool = False) -> str:
    """``mime_type`` -> ``mimeType``, ``icon-expanded`` -> ``iconExpanded``."""
    words = [w for w in re.split(r"[-_\s]+", _NOT_A_NAME.sub("_", raw)) if w]
    if not words:
        return "_"
    head, rest = words[0], words[1:]
    name = (head[:1].upper() + head[1:] if upper else head) + "".join(
        w[:1].upper() + w[1:] for w in rest
    )
    return name if not name[0].isdigit() else "_" + name


@dataclass(frozen=True, slots=True)
class _Field:
    python: str  # a safe attribute name
    key: str  # the value's key in a rendered dict
    convert: Callable[[Any], Any]


class _Names:
    """GraphQL type names in use; a taken one gets a suffix."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken)

    def claim(self, name: str, suffix: str) -> str:
        while name in self.taken:
            name += suffix
        self.taken.add(name)
        return name


class _Builder:
    def __init__(self, types: TypeRegistry, taken: Iterable[str]) -> None:
        self.types = types
        self.names = _Names(taken)
        self.schema_types: dict[str, tuple[type, Callable[[Any], Any]]] = {}

    # -- schemas ----------------------------------------------------------

    def schema_type(self, schema: Schema) -> tuple[type, Callable[[Any], Any]]:
        """The object type of a schema, and how to build it from a document's
        rendered properties (keyed ``prefix:field``)."""
        if schema.name not in self.schema_types:
            name = self.names.claim(graphql_name(schema.name, upper=True) + "Schema", "Type")
            fields = {f"{schema.prefix}:{n}": t for n, t in schema.fields.items()}
            description = f"The fields of the {schema.name} schema."
            self.schema_types[schema.name] = self._object(name, fields, description)
        return self.schema_types[schema.name]

    def _object(
        self, name: str, fields: dict[str, FieldType], description: str
    ) -> tuple[type, Callable[[Any], Any]]:
        annotations: dict[str, Any] = {}
        namespace: dict[str, Any] = {}
        plan: list[_Field] = []
        used: set[str] = set()
        for i, (key, ftype) in enumerate(fields.items()):
            field_name = graphql_name(key.partition(":")[2] or key)
            while field_name in used:
                field_name += "_"
            used.add(field_name)
            annotation, convert = self._value(ftype, f"{name}{graphql_name(field_name, True)}")
            python = f"f{i}"
            annotations[python] = annotation
            namespace[python] = strawberry.field(name=field_name)
            plan.append(_Field(python, key, convert))
        if not plan:  # GraphQL objects need a field
            annotations["empty"] = bool | None
            namespace["empty"] = strawberry.field(name="_empty", default=None)
        namespace["__annotations__"] = annotations
        cls = strawberry.type(type(name, (), namespace), name=name, description=description)

        def build(values: Any) -> Any:
            if not isinstance(values, dict):
                return None
            return cls(**{f.python: f.convert(values.get(f.key)) for f in plan})

        return cls, build

    def _value(self, ftype: FieldType, name: str) -> tuple[Any, Callable[[Any], Any]]:
        """The GraphQL annotation of a field type and how to convert a value."""
        if ftype.kind == "complex":
            assert ftype.fields is not None
            item, build = self._object(
                self.names.claim(name, "Type"), dict(ftype.fields), "A complex value"
            )
            if ftype.is_list:
                return list[item | None], lambda v: [build(x) for x in v or ()]  # type: ignore[valid-type]
            return item | None, build
        leaf: Any = Blob if ftype.kind == "blob" else _SCALARS[ftype.kind]
        convert: Callable[[Any], Any] = Blob.of if ftype.kind == "blob" else _same
        if ftype.is_list:
            return list[leaf | None], lambda v: [convert(x) for x in v or ()]
        return leaf | None, convert

    # -- documents --------------------------------------------------------

    def schema_fields(self, schemas: Iterable[Schema], reserved: set[str]) -> dict[str, Any]:
        """A resolver field per schema, named after it."""
        namespace: dict[str, Any] = {}
        for schema in schemas:
            cls, build = self.schema_type(schema)
            field_name = graphql_name(schema.name)
            if field_name in reserved:
                field_name += "Schema"
            namespace[_attribute(field_name)] = strawberry.field(
                resolver=_schema_resolver(schema.name, cls, build),
                name=field_name,
                description=f"The {schema.name} schema ({schema.prefix}:*).",
            )
        return namespace


def _same(value: Any) -> Any:
    return value


def _attribute(name: str) -> str:
    return name + "_" if keyword.iskeyword(name) else name


def _schema_resolver(schema_name: str, cls: type, build: Callable[[Any], Any]) -> Any:
    selected = frozenset({schema_name})

    def resolve(root: Any, info: Info) -> Any:
        ctx = info.context
        doctype = ctx.registry.types.of(root.model.type)
        writer = blobs.writer(ctx, root.model)
        return build(properties.render(doctype, root.model.properties, selected, writer))

    resolve.__annotations__ = {"info": Info, "return": cls}
    return resolve


def document_types(types: TypeRegistry, taken: Iterable[str]) -> list[type]:
    """Generate the interfaces and object types of ``types``, register them for
    ``Document.of``, and return them for the schema."""
    builder = _Builder(types, taken)
    reserved = {f.name for f in Document.__strawberry_definition__.fields}  # type: ignore[attr-defined]
    type_names = set(types.types)
    facets: dict[str, type] = {}
    for facet in types.facets.values():
        name = facet.name
        if name in type_names or name in builder.names.taken:
            name = builder.names.claim(facet.name + "Facet", "Type")
        else:
            builder.names.taken.add(name)
        schemas = [types.schemas[s] for s in facet.schemas if s in types.schemas]
        namespace = builder.schema_fields(schemas, reserved)
        facets[facet.name] = strawberry.interface(
            type(name, (Document,), namespace),
            name=name,
            description=f"Documents with the {facet.name} facet.",
        )
    generated: dict[str, type] = {}
    for type_name in types.types:
        resolved = types.of(type_name)
        name = builder.names.claim(graphql_name(type_name, upper=True), "Type")
        bases = tuple(facets[f] for f in resolved.facets if f in facets) or (Document,)
        covered = {s for f in resolved.facets if f in types.facets for s in types.facets[f].schemas}
        own = [s for s in resolved.schemas if s.name not in covered]
        namespace = builder.schema_fields(own, reserved)
        generated[type_name] = strawberry.type(
            type(name, bases, namespace),
            name=name,
            description=f"A {type_name} document.",
        )
    implementations.register(types, generated)
    return [*facets.values(), *generated.values()]
