"""What a page request means: the window applied, and the page answered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from docgraph.errors import BadRequest
from docgraph.resolvers.model import Page, PageRequest

T = TypeVar("T")

# Deeper than any real listing; keeps OFFSET within PostgreSQL's bigint.
MAX_OFFSET = 2**53


def window(page: PageRequest, max_page_size: int) -> tuple[int, int]:
    """(limit, offset): the page size capped by ``max_page_size`` (0: the
    maximum), and an explicit offset or ``page_index`` pages."""
    if page.page_index < 0 or page.page_size < 0 or (page.offset or 0) < 0:
        raise BadRequest("currentPageIndex, offset and pageSize must not be negative")
    limit = min(page.page_size, max_page_size) if page.page_size > 0 else max_page_size
    offset = page.page_index * limit if page.offset is None else page.offset
    if offset > MAX_OFFSET:
        raise BadRequest(f"currentPageIndex is too large: {page.page_index}")
    return limit, offset


def page_of(
    entries: Sequence[T],
    total: int,
    page: PageRequest,
    limit: int,
    offset: int,
    max_page_size: int,
    kind: str = "documents",
    count_limit: int = 0,
) -> Page[T]:
    return Page(
        entries=entries,
        total_size=total,
        page_index=offset // limit,
        page_size=page.page_size,
        limit=limit,
        max_page_size=max_page_size,
        start=page.offset,
        kind=kind,
        count_limit=count_limit,
    )
