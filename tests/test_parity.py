"""Every REST door has a GraphQL counterpart, or a stated reason not to.

The test walks the registries: a REST adapter, endpoint or enricher added
without a GraphQL field (and without a reason below) fails it. The rule for
new resource families is in docs/graphql.md.
"""

from __future__ import annotations

import pytest

from docgraph.plugins import build_registry
from docgraph.schema import build_schema

# REST door -> the GraphQL fields that offer the same data or action.
COUNTERPARTS = {
    ("adapter", "children"): ["Document.children"],
    ("adapter", "acl"): ["Document.acl", "Mutation.addPermission", "Mutation.removePermission"],
    ("adapter", "search"): ["Document.search", "Query.search"],
    ("adapter", "pp"): ["Document.pageProvider"],
    ("adapter", "emptyWithDefault"): ["Document.emptyWithDefault"],
    ("adapter", "op"): ["Mutation.runOperation"],
    ("endpoint", "automation"): ["Mutation.runOperation"],
    ("adapter", "blob"): ["Document.blob", "Document.blobs", "Mutation.removeBlob"],
    ("adapter", "rendition"): ["Document.renditions"],
    ("adapter", "preview"): ["Document.previewUrl"],
    ("enricher", "preview"): ["Document.previewUrl"],
    ("enricher", "renditions"): ["Document.renditions"],
    ("endpoint", "upload"): [
        "Query.uploadBatch",
        "Mutation.createUploadBatch",
        "Mutation.attachBlob",
        "Mutation.uploadBlob",
    ],
    ("endpoint", "query"): ["Query.search"],
    ("endpoint", "search"): ["Query.search", "Query.savedSearches"],
    ("endpoint", "user"): ["Query.user", "Query.users", "Mutation.createUser"],
    ("endpoint", "group"): ["Query.group", "Query.groups", "Mutation.createGroup"],
    ("endpoint", "me"): ["Query.me"],
    ("endpoint", "bulk"): ["Query.bulkCommand", "Mutation.abortBulkCommand"],
    ("enricher", "acls"): ["Document.acl"],
    ("enricher", "permissions"): ["Document.permissions"],
    ("enricher", "userVisiblePermissions"): ["Document.userVisiblePermissions"],
    ("enricher", "breadcrumb"): ["Document.breadcrumb"],
    ("enricher", "hasFolderishChild"): ["Document.hasFolderishChild"],
    ("enricher", "hasContent"): ["Document.hasContent"],
    ("enricher", "subtypes"): ["Document.subtypes"],
    ("enricher", "children"): ["Document.children"],
    ("enricher", "firstAccessibleAncestor"): ["Document.firstAccessibleAncestor"],
    ("enricher", "thumbnail"): ["Document.thumbnailUrl"],
    ("enricher", "publications"): ["Document.publications"],
    ("enricher", "tags"): ["Document.tags", "Mutation.tagDocument", "Mutation.untagDocument"],
    ("enricher", "collections"): ["Document.collections", "Mutation.addToCollection"],
    ("enricher", "favorites"): ["Document.isFavorite", "Mutation.addToFavorites"],
    ("enricher", "subscribedNotifications"): [
        "Document.subscribedNotifications",
        "Mutation.subscribe",
    ],
    ("adapter", "comment"): [
        "Document.comments",
        "Comment.replies",
        "Mutation.createComment",
        "Mutation.updateComment",
        "Mutation.deleteComment",
    ],
    ("adapter", "annotation"): ["Document.annotations", "Mutation.createComment"],
    ("adapter", "audit"): ["Document.audit", "Query.auditLog"],
    ("endpoint", "userInvitation"): [
        "Query.userInvitations",
        "Mutation.inviteUser",
        "Mutation.acceptInvitation",
        "Mutation.rejectInvitation",
    ],
    ("endpoint", "directory"): [
        "Query.directories",
        "Query.directory",
        "Mutation.createDirectoryEntry",
        "Mutation.updateDirectoryEntry",
        "Mutation.deleteDirectoryEntry",
    ],
}

# Deliberately REST only.
REST_ONLY = {
    ("endpoint", "token"): "authentication tokens belong to the clients' login flow",
    ("adapter", "convert"): "a conversion is bytes, not data: GraphQL gives download URLs "
    "(Blob.url, Document.renditions) and REST serves them",
    ("endpoint", "conversions"): "the same: conversions scheduled by REST's @convert",
    ("adapter", "bo"): "business objects map fields to properties for REST clients; GraphQL "
    "selects the typed fields it wants (deprecated in Nuxeo too)",
}


def rest_doors():
    registry = build_registry(enabled=())
    doors = [("adapter", name) for name in registry.adapters]
    doors += [("endpoint", name) for name in registry.endpoints]
    doors += [("enricher", name) for _, name in registry.enrichers]
    return sorted(doors)


@pytest.fixture(scope="module")
def fields():
    schema = build_schema()._schema
    return {
        f"{name}.{field}"
        for name, named in schema.type_map.items()
        for field in getattr(named, "fields", {}) or {}
    }


@pytest.mark.parametrize("door", rest_doors(), ids="/".join)
def test_every_rest_door_has_a_graphql_counterpart(door, fields):
    if door in REST_ONLY:
        return
    assert door in COUNTERPARTS, f"REST {door[0]} {door[1]!r} has no GraphQL counterpart"
    missing = [f for f in COUNTERPARTS[door] if f not in fields]
    assert missing == []


def test_the_lists_name_only_doors_that_exist():
    doors = set(rest_doors())
    assert set(COUNTERPARTS) | set(REST_ONLY) <= doors
