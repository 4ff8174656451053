"""A REST page of children that PostgreSQL writes (resolvers/rendered.py):
the JSON ``json.document`` and ``json.paging`` write, as a page spec.

Only for a page of ``rest_pages_written_from`` entries or more (a setting)
written straight out (not piped into another step), when the request asks
for no enricher, fetch or translation of documents and for properties the
SQL can write (not a blob nor a complex value); any other page is written
the usual way, which stays the reference."""

from __future__ import annotations

from docgraph.errors import DocGraphError
from docgraph.resolvers import paging, rendered
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import PageRequest


def children_spec(ctx: RequestContext, request: PageRequest) -> rendered.PageSpec | None:
    settings = ctx.settings
    try:
        limit, _ = paging.window(request, settings.max_page_size)
    except DocGraphError:  # the usual way reports it
        return None
    options = ctx.rendering
    if (
        limit < settings.rest_pages_written_from
        or options.depth < 1
        or options.enrichers_of("document")
        or options.fetch.get("document")
        or options.translate.get("document")
    ):
        return None
    document = _document_fields(ctx)
    if document is None:
        return None
    page: list[tuple[str, rendered.PageField]] = [
        ("entity-type", rendered.Constant("documents")),
        ("isPaginable", rendered.Constant(True)),
        ("resultsCount", rendered.Paging("totalSize")),
        ("pageSize", rendered.Paging("pageSize")),
        ("maxPageSize", rendered.Constant(settings.max_page_size)),
        ("resultsCountLimit", rendered.Constant(settings.search_count_limit)),
        ("currentPageSize", rendered.Paging("currentPageSize")),
        ("currentPageIndex", rendered.Paging("currentPageIndex")),
        ("currentPageOffset", rendered.Paging("currentPageOffset")),
        ("numberOfPages", rendered.Paging("numberOfPages")),
        ("isPreviousPageAvailable", rendered.Paging("isPreviousPageAvailable")),
        ("isNextPageAvailable", rendered.Paging("isNextPageAvailable")),
        ("isLastPageAvailable", rendered.Paging("isNextPageAvailable")),
        ("isSortable", rendered.Constant(True)),
        ("hasError", rendered.Constant(False)),
        ("errorMessage", rendered.Constant(None)),
        ("totalSize", rendered.Paging("totalSize")),
        ("pageIndex", rendered.Paging("currentPageIndex")),
        ("pageCount", rendered.Paging("numberOfPages")),
        ("entries", rendered.Entries()),
    ]
    return rendered.page_spec(ctx, request, page, rendered.DocumentSpec(tuple(document)))


def _document_fields(ctx: RequestContext) -> list[tuple[str, rendered.DocumentField]] | None:
    """What ``json.document`` writes of a child, in its order; None when the
    properties asked for need Python."""
    types = ctx.registry.types
    fields: list[tuple[str, rendered.DocumentField]] = [
        ("entity-type", rendered.Constant("document")),
        *_columns("repository", "uid", "path", "type", "state", "parentRef", "isCheckedOut"),
        # Records and legal holds are not kept: what Nuxeo writes for none.
        ("isRecord", rendered.Constant(False)),
        ("retainUntil", rendered.Constant(None)),
        ("hasLegalHold", rendered.Constant(False)),
        ("isUnderRetentionOrLegalHold", rendered.Constant(False)),
        *_columns("isVersion", "isProxy"),
        ("proxyTargetId", rendered.Present(rendered.Column("proxyTargetId"))),
        ("versionableId", rendered.Present(rendered.Column("versionableId"))),
        *_columns("changeToken", "isTrashed", "title"),
        ("lastModified", rendered.Present(rendered.last_modified(types))),
    ]
    wanted = ctx.rendering.properties
    # An empty selection (a header naming no schema) writes no properties at all.
    if wanted is None or wanted:
        properties = rendered.properties(types, None if wanted is None else sorted(wanted))
        if properties is None:
            return None
        fields.append(("properties", properties))
    fields.append(("facets", rendered.facets(types)))
    fields.append(("schemas", rendered.schemas(types)))
    return fields


def _columns(*names: str) -> list[tuple[str, rendered.DocumentField]]:
    return [(name, rendered.Column(name)) for name in names]
