"""Versions: check in, check out, a document's version series, restore, and
Nuxeo's default automatic versioning policies.

A version is a read-only copy of a live document, numbered ``major.minor``,
kept outside the tree: no parent and no path of its own (it reports its
live document's), its live document among its ancestors so that it takes
the live document's permissions and follows it through moves and deletes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from docgraph.db import versions as db_versions
from docgraph.errors import BadRequest
from docgraph.resolvers import documents, events, permissions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document, IdRef, place_versions

MAJOR = "major"
MINOR = "minor"
NONE = "none"
OPTIONS = (MAJOR, MINOR, NONE)
# The "collaborative save" policy versions documents with this schema.
_COLLABORATIVE_SCHEMA = "file"
# The "note as wiki" policy versions every save of these types.
_WIKI_TYPES = frozenset({"Note"})


def parse_option(text: str | None) -> str | None:
    """``X-Versioning-Option`` and the operations' increments, any case;
    None when not given."""
    if text is None or not text.strip():
        return None
    option = text.strip().lower()
    if option not in OPTIONS:
        raise BadRequest(f"Unknown versioning option {text[:20]!r}: MAJOR, MINOR or NONE")
    return option


def is_versionable(ctx: RequestContext, doc: Document) -> bool:
    return ctx.registry.types.of(doc.type).has_facet("Versionable") or "Versionable" in doc.mixins


def require_versionable(ctx: RequestContext, doc: Document) -> None:
    if not is_versionable(ctx, doc):
        raise BadRequest(f"Document {doc.uid} is not versionable")


def require_live(doc: Document, action: str) -> None:
    """Versions are read-only: no edit, move or trash reaches them."""
    if doc.is_version:
        raise BadRequest(f"Document {doc.uid} is a version: it cannot be {action}")


def label(ctx: RequestContext, doc: Document) -> str:
    """``major.minor``, with ``+`` on a live document modified since its last
    version; empty for a document that is not versionable."""
    if not is_versionable(ctx, doc):
        return ""
    text = f"{doc.major_version}.{doc.minor_version}"
    numbered = doc.major_version or doc.minor_version
    return f"{text}+" if numbered and doc.is_checked_out and not doc.is_version else text


def _numbered(
    ctx: RequestContext, doc: Document, properties: Mapping[str, Any], major: int, minor: int
) -> dict[str, Any]:
    values = dict(properties)
    if ctx.registry.types.of(doc.type).has_schema("uid"):
        values.update({"uid:major_version": major, "uid:minor_version": minor})
    return values


async def check_in(
    ctx: RequestContext, doc: Document, increment: str, comment: str | None = None
) -> tuple[Document, Document]:
    """Record the document's current state as a new version; the live
    document (now checked in) and the version. A document checked in and not
    changed since keeps its last version."""
    require_live(doc, "checked in")
    if doc.is_proxy:
        raise BadRequest(f"Document {doc.uid} is a proxy: check in the document it shows")
    require_versionable(ctx, doc)
    doc = await documents.for_write(ctx, doc, permissions.WRITE_VERSION)
    if not doc.is_checked_out and (last := await last_version(ctx, doc)) is not None:
        return doc, last
    if increment == MAJOR:
        major, minor = doc.major_version + 1, 0
    else:
        major, minor = doc.major_version, doc.minor_version + 1
    values = _numbered(ctx, doc, doc.properties, major, minor)
    row = await db_versions.check_in(ctx.work.db, doc.id, uuid4(), major, minor, values)
    assert row is not None  # locked FOR UPDATE above
    [version] = place_versions([Document.from_record(row)], {doc.id: doc})
    [live] = await documents.reload(ctx, [doc.id])
    details: tuple[tuple[str, Any], ...] = (
        ("version_id", version.uid),
        ("version_label", row["version_label"]),
        *((("comment", comment),) if comment else ()),
    )
    ctx.work.emit(ctx, documents.change(ctx, events.CHECKED_IN, live, datetime.now(UTC), details))
    return live, version


async def check_out(ctx: RequestContext, doc: Document) -> Document:
    """Make a checked-in document editable again (saving one does it too)."""
    require_live(doc, "checked out")
    doc = await documents.for_write(ctx, doc, permissions.WRITE_VERSION)
    if doc.is_checked_out:
        return doc
    row = await db_versions.check_out(ctx.work.db, doc.id)
    assert row is not None  # locked FOR UPDATE above
    live = Document.from_record(row)
    ctx.work.emit(ctx, documents.change(ctx, events.CHECKED_OUT, live, datetime.now(UTC)))
    return live


async def series(ctx: RequestContext, doc: Document) -> list[Document]:
    """The versions of a document (of a version's live document), oldest
    first; needs ReadVersion."""
    await permissions.check(ctx, doc, permissions.READ_VERSION)
    [found] = await series_of(ctx, [doc])
    return found


async def series_of(ctx: RequestContext, docs: Sequence[Document]) -> list[list[Document]]:
    """Each document's versions, in one statement; none where the user lacks
    ReadVersion."""
    allowed = await permissions.holds(ctx, docs, permissions.READ_VERSION)
    live_ids = [
        (d.version_series_id if d.is_version else d.id) if ok else None
        for d, ok in zip(docs, allowed, strict=True)
    ]
    groups: dict[UUID, list[Document]] = {}
    if wanted := [i for i in live_ids if i is not None]:
        found = [Document.from_record(r) for r in await db_versions.of_series(ctx.db, wanted)]
        for version in await documents.placed(found, ctx):
            assert version.version_series_id is not None
            groups.setdefault(version.version_series_id, []).append(version)
    return [groups.get(i, []) if i is not None else [] for i in live_ids]


async def last_version(ctx: RequestContext, doc: Document) -> Document | None:
    found = await series(ctx, doc)
    return found[-1] if found else None


async def restore(
    ctx: RequestContext, version: Document, *, create_version: bool = False, checkout: bool = False
) -> Document:
    """The live document takes the version's content and number, checked in
    (``checkout``: then checked out); ``create_version`` first versions the
    live document's unversioned changes."""
    if not version.is_version or version.version_series_id is None:
        raise BadRequest(f"Document {version.uid} is not a version")
    live = await documents.get(ctx, IdRef(str(version.version_series_id)))
    live = await documents.for_write(ctx, live, permissions.WRITE)
    if create_version and live.is_checked_out:
        live, _ = await check_in(ctx, live, MINOR)
    row = await db_versions.restore(ctx.work.db, live.id, version.id, dict(version.properties))
    assert row is not None  # locked FOR UPDATE above
    restored = Document.from_record(row)
    details = (("version_id", version.uid),)
    ctx.work.emit(ctx, documents.change(ctx, events.RESTORED, restored, datetime.now(UTC), details))
    return await check_out(ctx, restored) if checkout else restored


async def before_update(ctx: RequestContext, doc: Document) -> Document:
    """Collaborative save: a document with a file is versioned (MINOR) before
    someone other than its last contributor changes it."""
    contributor = doc.properties.get("dc:lastContributor")
    if (
        doc.is_checked_out
        and contributor
        and contributor != ctx.principal.username
        and ctx.registry.types.of(doc.type).has_schema(_COLLABORATIVE_SCHEMA)
        and is_versionable(ctx, doc)
    ):
        doc, _ = await check_in(ctx, doc, MINOR)
    return doc


async def after_update(ctx: RequestContext, doc: Document, option: str | None) -> Document:
    """An explicit option checks the saved document in (MAJOR, MINOR) or not
    (NONE); without one, a Note is versioned (MINOR) after every save."""
    if option is None and doc.type in _WIKI_TYPES and is_versionable(ctx, doc):
        option = MINOR
    if option in (MAJOR, MINOR):
        doc, _ = await check_in(ctx, doc, option)
    return doc
