"""graphql-core's executor with a short cut for plain fields.

Most fields of a document are plain: an attribute of the object the parent
resolver built, of a scalar or enum type, without arguments. graphql-core
treats each like any field: a path object, a resolve-info record, the
resolver call, then value completion through several generic steps — about
ten times the cost of reading the attribute. For those fields this executor
reads the attribute and serialises it directly; anything unusual (a null
where the type forbids it, a value that needs coercion, an error) falls back
to the generic path, so results and errors are exactly graphql-core's.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    get_nullable_type,
    is_leaf_type,
)
from graphql.execution.executor import Executor
from graphql.pyutils import Undefined

# strawberry marks the resolver of a field without one of its own.
_STRAWBERRY_DEFAULT = "_is_default"
_STRAWBERRY_DEFINITION = "strawberry-definition"

# Python values that a scalar serialises as themselves. Not Int (32 bits) nor
# Float (finite): they check their range, and are few per document anyway.
_IDENTITY: dict[Any, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}


class PlainField:
    """How to answer one plain field: the attribute, and what the value's
    type (or, for a list, its items' type) must be for it to be its own
    serialisation."""

    __slots__ = ("attribute", "exact", "many", "non_null")

    def __init__(self, attribute: str, leaf: GraphQLLeafType, many: bool, non_null: bool) -> None:
        self.attribute = attribute
        self.exact = _IDENTITY.get(leaf)
        self.many = many
        self.non_null = non_null

    def serialised(self, value: Any) -> bool:
        """Whether ``value`` (not null) is already its own serialisation."""
        exact = self.exact
        if exact is None:
            return False
        if not self.many:
            return type(value) is exact
        return type(value) is list and all(type(item) is exact for item in value)


PlainFields = dict[tuple[str, str], PlainField]


def plain_fields(schema: GraphQLSchema) -> PlainFields:
    """Every plain field of the schema, by (object type, field name)."""
    found: PlainFields = {}
    for named in schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for name, field in named.fields.items():
            if field.args or not getattr(field.resolve, _STRAWBERRY_DEFAULT, False):
                continue
            leaf = get_nullable_type(field.type)
            many = isinstance(leaf, GraphQLList)
            if many:
                # Lists of non-null items only: a null item needs its own check.
                item = leaf.of_type
                leaf = item.of_type if isinstance(item, GraphQLNonNull) else None
            definition = (field.extensions or {}).get(_STRAWBERRY_DEFINITION)
            if definition is None or not is_leaf_type(leaf):
                continue
            found[named.name, name] = PlainField(
                definition.python_name, leaf, many, isinstance(field.type, GraphQLNonNull)
            )
    return found


def executor_for(plain: PlainFields) -> type[Executor]:
    class PlainFieldsExecutor(Executor):
        def execute_field(self, parent_type, source, field_details_list, path, position_context):
            node = field_details_list[0].node
            field = plain.get((parent_type.name, node.name.value))
            if field is not None:
                value = getattr(source, field.attribute, Undefined)
                if value is None and not field.non_null:
                    return None
                if value is not None and field.serialised(value):
                    return value
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )

    return PlainFieldsExecutor
