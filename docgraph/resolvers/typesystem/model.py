"""The type system: field types, schemas, facets, document types and their registry.

Field types are written the way Nuxeo's ``/config/schemas`` prints them:
``"string"``, ``"date"``, ``"string[]"``, ``"blob"``, a dict for a complex
field and a one-dict list for a list of complex values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SCALARS = frozenset({"string", "boolean", "long", "integer", "double", "date", "binary", "blob"})

FieldSpec = str | Mapping[str, Any] | list[Any]


@dataclass(frozen=True, slots=True)
class FieldType:
    kind: str  # one of SCALARS, or "complex"
    is_list: bool = False
    fields: Mapping[str, FieldType] | None = None  # sub-fields of a complex type

    @property
    def is_scalar(self) -> bool:
        return not self.is_list and self.kind != "complex"

    @classmethod
    def parse(cls, spec: FieldSpec) -> FieldType:
        if isinstance(spec, list):
            (item,) = spec
            return cls("complex", True, _parse_fields(item))
        if isinstance(spec, Mapping):
            return cls("complex", False, _parse_fields(spec))
        is_list = spec.endswith("[]")
        kind = spec.removesuffix("[]")
        if kind not in SCALARS:
            raise ValueError(f"unknown field type {spec!r}")
        return cls(kind, is_list)

    @property
    def item(self) -> FieldType:
        """The type of one element of a list."""
        return FieldType(self.kind, False, self.fields)

    def default(self) -> Any:
        """The value written for an unset field: lists are never null, complex
        values carry every sub-field."""
        if self.is_list:
            return []
        if self.kind == "complex":
            assert self.fields is not None
            return {name: sub.default() for name, sub in self.fields.items()}
        return None


def _parse_fields(spec: Mapping[str, FieldSpec]) -> dict[str, FieldType]:
    return {name: FieldType.parse(sub) for name, sub in spec.items()}


@dataclass(frozen=True, slots=True)
class Field:
    schema: Schema
    name: str
    type: FieldType

    @property
    def key(self) -> str:
        return f"{self.schema.prefix}:{self.name}"


@dataclass(frozen=True, slots=True)
class Schema:
    name: str
    prefix: str
    fields: Mapping[str, FieldType]
    # (property key, type) of every field, e.g. ("dc:title", string): computed
    # once, since writing a document walks them all.
    keyed: tuple[tuple[str, FieldType], ...] = ()
    # The same split for rendering: scalars are written as stored, lists of
    # scalars too (but never null), complex values with every sub-field, and
    # blobs (anywhere) as blob JSON.
    scalar_keys: tuple[str, ...] = ()
    scalar_list_keys: tuple[str, ...] = ()
    structured: tuple[tuple[str, FieldType], ...] = ()
    # Property key -> the directory whose entries its values must be (Nuxeo's
    # directory resolvers), for string fields and lists of strings.
    directories: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def declare(
        cls,
        name: str,
        prefix: str | None,
        fields: Mapping[str, FieldSpec],
        *,
        directories: Mapping[str, str] | None = None,
    ) -> Schema:
        """``directories``: field name -> the directory its values come from."""
        parsed = _parse_fields(fields)
        prefix = prefix or name
        keyed = tuple((f"{prefix}:{n}", t) for n, t in parsed.items())
        for field_name in directories or {}:
            ftype = parsed.get(field_name)
            if ftype is None or ftype.kind != "string":
                raise ValueError(f"schema {name}: {field_name} takes no directory values")
        return cls(
            name,
            prefix,
            parsed,
            keyed,
            tuple(k for k, t in keyed if t.is_scalar and t.kind != "blob"),
            tuple(k for k, t in keyed if t.is_list and t.kind not in ("complex", "blob")),
            tuple((k, t) for k, t in keyed if t.kind in ("complex", "blob")),
            {f"{prefix}:{n}": d for n, d in (directories or {}).items()},
        )

    def field(self, name: str) -> Field | None:
        ftype = self.fields.get(name)
        return None if ftype is None else Field(self, name, ftype)


@dataclass(frozen=True, slots=True)
class Facet:
    name: str
    schemas: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocType:
    name: str
    extends: str | None = "Document"
    schemas: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()
    subtypes: tuple[str, ...] = ()
    lifecycle: str | None = "default"


@dataclass(frozen=True, slots=True)
class ResolvedType:
    """A document type with inheritance and facet schemas folded in."""

    name: str
    parent: str | None
    schemas: tuple[Schema, ...]
    facets: tuple[str, ...]
    subtypes: tuple[str, ...]
    lifecycle: str | None
    # Asked of every document read (lastModified needs dublincore).
    schema_names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "schema_names", frozenset(s.name for s in self.schemas))

    def has_facet(self, facet: str) -> bool:
        return facet in self.facets

    def has_schema(self, name: str) -> bool:
        return name in self.schema_names


@dataclass
class TypeRegistry:
    schemas: dict[str, Schema] = field(default_factory=dict)
    facets: dict[str, Facet] = field(default_factory=dict)
    types: dict[str, DocType] = field(default_factory=dict)
    _resolved: dict[str, ResolvedType] = field(default_factory=dict, repr=False)
    _by_prefix: dict[str, Schema] = field(default_factory=dict, repr=False)
    _lowered_names: set[str] = field(default_factory=set, repr=False)
    _with_facets: dict[tuple[str, tuple[str, ...]], ResolvedType] = field(
        default_factory=dict, repr=False
    )

    def add_schemas(self, schemas: Iterable[Schema]) -> None:
        for schema in schemas:
            self.schemas[schema.name] = schema
        self._invalidate()

    def add_facets(self, facets: Iterable[Facet]) -> None:
        for facet in facets:
            self.facets[facet.name] = facet
        self._invalidate()

    def add_types(self, types: Iterable[DocType]) -> None:
        for doctype in types:
            self.types[doctype.name] = doctype
        self._invalidate()

    def extend_subtypes(self, type_name: str, subtypes: Iterable[str]) -> None:
        """Allow more child types under ``type_name`` (as a Nuxeo contribution would)."""
        current = self.types[type_name]
        merged = current.subtypes + tuple(s for s in subtypes if s not in current.subtypes)
        self.types[type_name] = DocType(
            current.name,
            current.extends,
            current.schemas,
            current.facets,
            merged,
            current.lifecycle,
        )
        self._invalidate()

    def _invalidate(self) -> None:
        self._resolved.clear()
        self._with_facets.clear()
        self._by_prefix.clear()
        self._lowered_names.clear()

    @property
    def lowered_schema_names(self) -> set[str]:
        """Every schema name, lower-cased (names are matched without case)."""
        if not self._lowered_names:
            self._lowered_names.update(name.lower() for name in self.schemas)
        return self._lowered_names

    def get(self, name: str) -> ResolvedType | None:
        if name not in self.types:
            return None
        resolved = self._resolved.get(name)
        if resolved is None:
            resolved = self._resolved[name] = self._resolve(name)
        return resolved

    def of(self, type_name: str) -> ResolvedType:
        """The type of a stored document. A type no longer registered (its
        plugin was removed) reads as the base ``Document`` type."""
        return (
            self.get(type_name)
            or self.get("Document")
            or ResolvedType("Document", None, (), (), (), None)
        )

    def with_facets(self, type_name: str, facets: Iterable[str]) -> ResolvedType:
        """The type of a document that also has ``facets`` of its own: their
        schemas join the type's (Nuxeo's dynamic facets, AddFacet)."""
        base = self.of(type_name)
        if not facets:  # most documents have no facet of their own
            return base
        extra = tuple(f for f in facets if f not in base.facets)
        if not extra:
            return base
        key = (type_name, extra)
        found = self._with_facets.get(key)
        if found is None:
            schemas = list(base.schemas)
            for name in extra:
                facet = self.facets.get(name)
                for schema_name in facet.schemas if facet else ():
                    schema = self.schemas.get(schema_name)
                    if schema is not None and schema not in schemas:
                        schemas.append(schema)
            found = ResolvedType(
                base.name,
                base.parent,
                tuple(schemas),
                (*base.facets, *extra),
                base.subtypes,
                base.lifecycle,
            )
            if len(self._with_facets) < 4096:
                self._with_facets[key] = found
        return found

    def _resolve(self, name: str) -> ResolvedType:
        chain: list[DocType] = []
        current: str | None = name
        while current is not None and current in self.types:
            chain.insert(0, self.types[current])
            current = self.types[current].extends
        schema_names: list[str] = []
        facet_names: list[str] = []
        for doctype in chain:
            _extend(facet_names, doctype.facets)
            _extend(schema_names, doctype.schemas)
        for facet in facet_names:
            _extend(schema_names, self.facets[facet].schemas if facet in self.facets else ())
        doctype = self.types[name]
        return ResolvedType(
            name=name,
            parent=doctype.extends,
            schemas=tuple(self.schemas[s] for s in schema_names),
            facets=tuple(facet_names),
            subtypes=doctype.subtypes,
            lifecycle=doctype.lifecycle,
        )

    def schema_by_key(self, key_prefix: str) -> Schema | None:
        """A property key's prefix names a schema by prefix or by schema name."""
        if not self._by_prefix:
            for schema in self.schemas.values():
                self._by_prefix.setdefault(schema.prefix, schema)
            for schema in self.schemas.values():
                self._by_prefix.setdefault(schema.name, schema)
        return self._by_prefix.get(key_prefix)

    def types_with_facet(self, facet: str) -> list[str]:
        return [n for n in self.types if (t := self.get(n)) is not None and t.has_facet(facet)]


def _extend(target: list[str], items: Iterable[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)
