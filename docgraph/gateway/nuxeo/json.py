"""Nuxeo's JSON entities, field for field (see the contract's document and list formats)."""

from __future__ import annotations

import traceback
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import orjson
from aiohttp import web

from docgraph.errors import DocumentValidation
from docgraph.resolvers import acls, blobs, versions
from docgraph.resolvers import documents as engine
from docgraph.resolvers import properties as props
from docgraph.resolvers.accounts import Group, User
from docgraph.resolvers.acls import ACP
from docgraph.resolvers.bulk import BulkStatus
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, EmptyDocument, Page
from docgraph.resolvers.typesystem.coerce import format_date

_JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8"}


def json_response(
    body: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    # The header given whole: aiohttp would otherwise parse it back per response.
    return web.Response(
        body=orjson.dumps(body),
        status=status,
        headers={**_JSON_HEADERS, **headers} if headers else _JSON_HEADERS,
    )


def exception_response(
    status: int,
    message: str,
    headers: Mapping[str, str] | None = None,
    *,
    debug_exc: BaseException | None = None,
) -> web.Response:
    # A message may quote raw input (a header decoded with surrogate escapes):
    # what cannot be UTF-8 is replaced, so that the error itself can be written.
    message = message.encode("utf-8", "replace").decode("utf-8")
    body: dict[str, Any] = {"entity-type": "exception", "status": status, "message": message}
    if debug_exc is not None:
        body["stacktrace"] = "".join(traceback.format_exception(debug_exc))
    return json_response(body, status, headers)


def validation_report(exc: DocumentValidation) -> web.Response:
    """Nuxeo's answer to a document that breaks its schemas' rules (400)."""
    violations = []
    for v in exc.violations:
        path = [{"field_name": v.key, "is_list_item": False}]
        if v.index is not None:
            path.append({"field_name": "item", "is_list_item": True, "index": v.index})
        violations.append(
            {
                "message": v.message,
                "invalid_value": v.value,
                "constraint": {
                    "entity-type": "validation_constraint",
                    "name": v.constraint,
                    "parameters": dict(v.parameters),
                },
                "path": path,
            }
        )
    body = {
        "entity-type": "validation_report",
        "has_error": True,
        "number": len(violations),
        "violations": violations,
    }
    return json_response(body, 400)


def document(ctx: RequestContext, doc: Document, *, with_properties: bool = True) -> dict[str, Any]:
    """A document's JSON; a nested one (``with_properties`` false) has no properties."""
    options = ctx.rendering
    doctype = engine.doctype_of(ctx, doc)
    out: dict[str, Any] = {
        "entity-type": "document",
        "repository": doc.repository,
        "uid": doc.uid,
        "path": doc.reported_path,
        "type": doc.type,
        "state": doc.state_name,
        "parentRef": None if doc.reported_parent_id is None else str(doc.reported_parent_id),
        "isCheckedOut": doc.is_checked_out,
        "isRecord": False,
        "retainUntil": None,
        "hasLegalHold": False,
        "isUnderRetentionOrLegalHold": False,
        "isVersion": doc.is_version,
        "isProxy": doc.is_proxy,
    }
    if doc.is_proxy:
        out["proxyTargetId"] = str(doc.proxy_target_id)
    if doc.is_proxy or doc.is_version:
        out["versionableId"] = str(doc.version_series_id)
    out["changeToken"] = doc.change_token
    out["isTrashed"] = doc.is_trashed
    out["title"] = doc.title
    if options.fetches("document", "versionLabel"):
        out["versionLabel"] = versions.label(ctx, doc)
    if options.fetches("document", "lock") and doc.lock_owner:
        out["lockOwner"] = doc.lock_owner
        out["lockCreated"] = format_date(doc.lock_created) if doc.lock_created else None
    if modified := engine.last_modified(ctx, doc):
        out["lastModified"] = modified
    # An empty selection (a header naming no schema) writes no properties at all.
    if with_properties and (options.properties is None or options.properties):
        selected = props.select_schemas(doctype, options.properties)
        out["properties"] = props.render(doctype, doc.properties, selected, blobs.writer(ctx, doc))
    out["facets"] = engine.facets(ctx, doc)
    out["schemas"] = [{"name": s.name, "prefix": s.prefix} for s in doctype.schemas]
    return out


def empty_document(ctx: RequestContext, doc: EmptyDocument) -> dict[str, Any]:
    """A document that is not stored: no uid, no state, no change token; its
    properties are its schemas' defaults."""
    doctype = ctx.registry.types.of(doc.type)
    options = ctx.rendering
    selected = props.select_schemas(doctype, options.properties)
    return {
        "entity-type": "document",
        "repository": ctx.repository,
        "uid": None,
        "path": doc.path,
        "type": doc.type,
        "state": None,
        "parentRef": None if doc.parent is None else doc.parent.uid,
        "isCheckedOut": True,
        "isVersion": False,
        "isProxy": False,
        "changeToken": None,
        "isTrashed": False,
        "title": doc.name,
        "properties": props.render(doctype, {}, selected),
        "facets": list(doctype.facets),
        "schemas": [{"name": s.name, "prefix": s.prefix} for s in doctype.schemas],
    }


def paging(page: Page[Any]) -> dict[str, Any]:
    """The paging fields of a paginated list, in Nuxeo's order."""
    return {
        "isPaginable": True,
        "resultsCount": page.total_size,
        "pageSize": page.page_size,
        "maxPageSize": page.max_page_size,
        # Totals are exact up to this (0: always); beyond, resultsCount is -2.
        "resultsCountLimit": page.count_limit,
        "currentPageSize": len(page.entries),
        "currentPageIndex": page.page_index,
        "currentPageOffset": page.offset,
        "numberOfPages": page.number_of_pages,
        "isPreviousPageAvailable": page.is_previous_page_available,
        "isNextPageAvailable": page.is_next_page_available,
        "isLastPageAvailable": page.is_next_page_available,
        "isSortable": True,
        "hasError": page.error is not None,
        "errorMessage": page.error,
        # Only document lists carry totalSize.
        **({"totalSize": page.total_size} if page.kind == "documents" else {}),
        "pageIndex": page.page_index,
        "pageCount": page.number_of_pages,
        **({"aggregations": dict(page.aggregations)} if page.aggregations else {}),
    }


def bulk_status(status: BulkStatus) -> dict[str, Any]:
    def date(value: datetime | None) -> str | None:
        return None if value is None else format_date(value)

    millis = 0
    if status.processing_start is not None and status.processing_end is not None:
        millis = int((status.processing_end - status.processing_start).total_seconds() * 1000)
    return {
        "entity-type": "bulkStatus",
        "commandId": str(status.id),
        "state": status.state,
        "processed": status.processed,
        "error": status.error_count > 0,
        "errorCount": status.error_count,
        "total": status.total or 0,
        "action": status.action,
        "username": status.username,
        "submitted": date(status.submitted),
        "scrollStart": date(status.scroll_start),
        "scrollEnd": date(status.scroll_end),
        "processingStart": date(status.processing_start),
        "processingEnd": date(status.processing_end),
        "completed": date(status.completed),
        "processingMillis": millis,
        **({"errorMessage": status.error_message} if status.error_message else {}),
    }


def user(account: User) -> dict[str, Any]:
    return {
        "entity-type": "user",
        "id": account.username,
        "properties": {
            "username": account.username,
            "firstName": account.first_name,
            "lastName": account.last_name,
            "company": account.company,
            "email": account.email,
            "groups": list(account.groups),
            "tenantId": account.tenant_id,
        },
        "extendedGroups": [
            {"name": name, "label": label or name, "url": f"group/{name}"}
            for name, label in account.all_groups
        ],
        "isAdministrator": account.is_administrator,
        "isAnonymous": False,
    }


def group(ctx: RequestContext, account: Group) -> dict[str, Any]:
    out: dict[str, Any] = {
        "entity-type": "group",
        "groupname": account.groupname,
        "grouplabel": account.grouplabel,
        "id": account.groupname,
        "properties": {
            "groupname": account.groupname,
            "grouplabel": account.grouplabel,
            "description": account.description,
            "tenantId": account.tenant_id,
        },
    }
    # The member lists only when asked for (fetch.group), as in Nuxeo.
    for name, members in (
        ("memberUsers", account.member_users),
        ("memberGroups", account.member_groups),
        ("parentGroups", account.parent_groups),
    ):
        if ctx.rendering.fetches("group", name):
            out[name] = list(members)
    return out


def acp(value: ACP) -> dict[str, Any]:
    """``@acl``: keys ``acl`` and ``ace`` (the enricher says ``aces``), no ``externalUser``."""
    now = datetime.now(UTC)
    return {
        "entity-type": "acls",
        "acl": [
            {
                "name": acl.name,
                "ace": [
                    {k: v for k, v in acls.ace_entry(ace, now).items() if k != "externalUser"}
                    for ace in acl.aces
                ],
            }
            for acl in value.acls
        ],
    }


def scalar(value: Any) -> dict[str, Any]:
    """An automation result that is neither a document nor a blob."""
    if isinstance(value, bool):
        kind = "boolean"
    elif isinstance(value, int | float):
        kind = "number"
    elif isinstance(value, str):
        kind = "string"
    elif isinstance(value, list):
        kind = "list"
    elif isinstance(value, dict):
        kind = "map"
    else:
        kind, value = "string", str(value)
    return {"entity-type": kind, "value": value}
