"""What user interfaces offer while one types: directory entries
(``Directory.SuggestEntries``), users and groups (``UserGroup.Suggestion``,
``User.Query``), each a JSON blob as in Nuxeo."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from docgraph.resolvers import accounts, directories
from docgraph.resolvers.accounts import Group, User
from docgraph.resolvers.directories import DirectoryEntry
from docgraph.resolvers.model import Document, GeneratedFile, PageRequest
from docgraph.resolvers.operations.directories import json_blob
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation
from docgraph.resolvers.users import ADMINISTRATORS

if TYPE_CHECKING:
    from docgraph.plugins import Registry

USER_TYPE = "USER_TYPE"
GROUP_TYPE = "GROUP_TYPE"
# Suggestions answered at most (user interfaces show a few).
MAX_SUGGESTIONS = 50


def _label(entry: DirectoryEntry, lang: str | None) -> str:
    values = entry.properties
    localized = values.get(f"label_{(lang or 'en')[:2]}") or values.get("label_en")
    return str(localized or values.get("label") or entry.id)


def _suggestion(entry: DirectoryEntry, lang: str | None, parent: str | None) -> dict[str, Any]:
    label = _label(entry, lang)
    return {
        "id": entry.id,
        "computedId": f"{parent}/{entry.id}" if parent else entry.id,
        "label": label,
        "displayLabel": label,
        "absoluteLabel": label,
        "obsolete": entry.properties.get("obsolete", 0),
        "ordering": entry.properties.get("ordering"),
        "parent": parent,
    }


@operation(
    "Directory.SuggestEntries",
    label="Get suggested directory entries",
    category="Services",
    signature=[("void", "blob"), ("document", "blob")],
    params=[
        Param("directoryName", required=True, arg="name"),
        Param("searchTerm", arg="term"),
        Param("lang"),
        Param("canSelectParent", type="boolean", default=False, arg="parents_selectable"),
        Param("obsolete", type="boolean", default=False, arg="with_obsolete"),
        Param("localize", type="boolean", default=False),
    ],
    description="The entries whose label contains searchTerm, children under their "
    "parent in a hierarchical vocabulary (ids like parent/child).",
)
async def suggest_entries(
    call: OperationCall,
    _input: Document | None,
    *,
    name: str,
    term: str | None,
    lang: str | None,
    parents_selectable: bool,
    with_obsolete: bool,
    localize: bool,
) -> GeneratedFile:
    directory = directories.definition(call.ctx, name)
    found = (await directories.entries(call.ctx, name, PageRequest(0, 0))).entries
    if not with_obsolete:
        found = [e for e in found if not e.properties.get("obsolete")]
    wanted = (term or "").strip().lower()
    hierarchical = directory.parent == directory.name

    def matches(entry: DirectoryEntry) -> bool:
        return not wanted or wanted in _label(entry, lang).lower() or wanted in entry.id.lower()

    if not hierarchical:
        chosen = [_suggestion(e, lang, None) for e in found if matches(e)]
        return json_blob(chosen[:MAX_SUGGESTIONS], f"{name}.json")
    roots = [e for e in found if not e.properties.get("parent")]
    tree = []
    for root in roots:
        children = [
            _suggestion(e, lang, root.id)
            for e in found
            if e.properties.get("parent") == root.id and (matches(e) or matches(root))
        ]
        if children or matches(root):
            node = _suggestion(root, lang, None)
            node["children"] = children
            node["selectable"] = parents_selectable
            tree.append(node)
    return json_blob(tree[:MAX_SUGGESTIONS], f"{name}.json")


def _user_json(user: User) -> dict[str, Any]:
    full = " ".join(p for p in (user.first_name, user.last_name) if p)
    return {
        "entity-type": "user",
        "id": user.username,
        "username": user.username,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "email": user.email,
        "company": user.company,
        "tenantId": user.tenant_id,
        "groups": list(user.groups),
        "prefixed_id": f"user:{user.username}",
        "type": USER_TYPE,
        "displayLabel": full or user.username,
    }


def _group_json(group: Group) -> dict[str, Any]:
    return {
        "entity-type": "group",
        "id": group.groupname,
        "groupname": group.groupname,
        "grouplabel": group.grouplabel,
        "prefixed_id": f"group:{group.groupname}",
        "type": GROUP_TYPE,
        "displayLabel": group.grouplabel or group.groupname,
    }


@operation(
    "UserGroup.Suggestion",
    label="Suggest users and groups",
    category="Services",
    signature=[("void", "blob")],
    params=[
        Param("searchTerm", arg="term"),
        Param("searchType", arg="kind", values=(USER_TYPE, GROUP_TYPE)),
        Param("groupRestriction", arg="restriction"),
        Param("hideAdminGroups", type="boolean", default=False, arg="hide_admins"),
        Param("userSuggestionMaxSearchResults", type="integer", default=20, arg="limit"),
    ],
    description="Users and groups whose names contain searchTerm (users of "
    "groupRestriction only), as a JSON array.",
)
async def user_group_suggestion(
    call: OperationCall,
    _input: None,
    *,
    term: str | None,
    kind: str | None,
    restriction: str | None,
    hide_admins: bool,
    limit: int,
) -> GeneratedFile:
    ctx = call.ctx
    page = PageRequest(0, max(1, min(limit, MAX_SUGGESTIONS)))
    found: list[dict[str, Any]] = []
    if kind in (None, USER_TYPE):
        users = (await accounts.search_users(ctx, term or "*", page)).entries
        if restriction:
            users = [u for u in users if any(g == restriction for g, _ in u.all_groups)]
        found += [_user_json(u) for u in users]
    if kind in (None, GROUP_TYPE):
        groups = (await accounts.search_groups(ctx, term or "*", page)).entries
        if hide_admins:
            groups = [g for g in groups if g.groupname != ADMINISTRATORS]
        found += [_group_json(g) for g in groups]
    return json_blob(found, "suggestions.json")


@operation(
    "User.Query",
    aliases=["Services.QueryUsers"],
    label="Query users",
    category="Users & Groups",
    signature=[("void", "blob")],
    params=[
        Param("username"),
        Param("firstName", arg="first_name"),
        Param("lastName", arg="last_name"),
        Param("pattern"),
        Param("tenantId", arg="tenant_id"),
    ],
    description="Users matching a pattern (or the given fields), as JSON {users: [...]}.",
)
async def query_users(
    call: OperationCall,
    _input: None,
    *,
    username: str | None,
    first_name: str | None,
    last_name: str | None,
    pattern: str | None,
    tenant_id: str | None,
) -> GeneratedFile:
    text = pattern or username or first_name or last_name or "*"
    users = (await accounts.search_users(call.ctx, text, PageRequest(0, MAX_SUGGESTIONS))).entries

    def fits(user: User) -> bool:
        checks = (
            (username, user.username),
            (first_name, user.first_name),
            (last_name, user.last_name),
            (tenant_id, user.tenant_id),
        )
        return all(
            wanted is None or (value or "").lower().startswith(wanted.lower())
            for wanted, value in checks
        )

    chosen = [_user_json(u) for u in users if pattern or fits(u)]
    return json_blob({"users": chosen}, "users.json")


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
