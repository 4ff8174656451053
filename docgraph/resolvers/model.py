"""Plain domain objects handed between the engine and the two doors."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from docgraph.db.documents import Projection

T = TypeVar("T")

ROOT_ID = UUID(int=0)


@dataclass(frozen=True, slots=True)
class IdRef:
    id: str


@dataclass(frozen=True, slots=True)
class PathRef:
    path: str


DocRef = IdRef | PathRef


def parse_ref(text: str) -> DocRef:
    """A path starts with ``/``; anything else is an id."""
    return PathRef(text) if text.startswith("/") else IdRef(text)


# Immutable by convention (change one with dataclasses.replace), not frozen:
# a frozen dataclass sets each of these fields through object.__setattr__,
# which made building one from a row 2.3 times slower, and pages of
# thousands of rows are read per request.
@dataclass(slots=True)
class Document:
    id: UUID
    repository: str
    parent_id: UUID | None
    name: str
    path: str | None
    type: str
    mixins: tuple[str, ...]
    state: str | None
    properties: Mapping[str, Any]
    is_version: bool
    version_series_id: UUID | None
    major_version: int
    minor_version: int
    is_checked_out: bool
    proxy_target_id: UUID | None
    is_trashed: bool
    lock_owner: str | None
    lock_created: datetime | None
    created: datetime
    modified: datetime
    system_change: int
    user_change: int
    ancestors: tuple[UUID, ...]
    # Who may browse, in evaluation order; '-name' denies (permissions.read_acl_of).
    read_acl: tuple[str, ...]
    # Creation order: the order of an Orderable folder's children.
    position: int
    # A version is outside the tree; it reports its live document's path and
    # parent, set by ``place_versions`` where versions are read.
    live_path: str | None = None
    live_parent_id: UUID | None = None
    # Read by a listing that renders a few schemas: ``properties`` holds only
    # theirs (and the title). Never cached, never written back.
    projected: bool = False

    @classmethod
    def from_record(cls, r: Mapping[str, Any], *, projected: bool = False) -> Document:
        # Positional, in the order of the fields: half the cost of keywords,
        # for every row of every page. test_model checks the order.
        return cls(
            r["id"],
            r["repository"],
            r["parent_id"],
            r["name"],
            r["path"],
            r["type"],
            tuple(r["mixins"]),
            r["lifecycle_state"],
            r["properties"],
            r["is_version"],
            r["version_series_id"],
            r["major_version"],
            r["minor_version"],
            r["is_checked_out"],
            r["proxy_target_id"],
            r["is_trashed"],
            r["lock_owner"],
            r["lock_created"],
            r["created"],
            r["modified"],
            r["system_change"],
            r["user_change"],
            tuple(r["ancestors"]),
            tuple(r["read_acl"]),
            r["position"],
            projected=projected,
        )

    @property
    def uid(self) -> str:
        return str(self.id)

    @property
    def change_token(self) -> str:
        return f"{self.system_change}-{self.user_change}"

    @property
    def title(self) -> str:
        title = self.properties.get("dc:title")
        return title if title else (self.name or self.uid)

    @property
    def state_name(self) -> str:
        """Types without a lifecycle report ``undefined``, as in Nuxeo."""
        return self.state or "undefined"

    @property
    def creator(self) -> str | None:
        return self.properties.get("dc:creator")

    @property
    def is_proxy(self) -> bool:
        return self.proxy_target_id is not None

    @property
    def reported_path(self) -> str | None:
        """The path clients see: a version's is its live document's."""
        return self.live_path if self.is_version else self.path

    @property
    def reported_parent_id(self) -> UUID | None:
        return self.live_parent_id if self.is_version else self.parent_id


def place_versions(docs: Sequence[Document], live: Mapping[UUID, Document]) -> list[Document]:
    """The documents, each version told its live document's path and parent
    (``live``: the live documents by id), which it reports as its own."""
    return [
        dataclasses.replace(d, live_path=found.path, live_parent_id=found.parent_id)
        if d.is_version
        and d.version_series_id is not None
        and (found := live.get(d.version_series_id)) is not None
        else d
        for d in docs
    ]


def series_ids(docs: Sequence[Document]) -> list[UUID]:
    """The live documents of the versions among ``docs``."""
    return list(
        dict.fromkeys(d.version_series_id for d in docs if d.is_version and d.version_series_id)
    )


@dataclass(frozen=True, slots=True)
class SortKey:
    # NXQL's name: a property key (``dc:title``) or a system field (``ecm:name``).
    field: str
    ascending: bool = True


@dataclass(frozen=True, slots=True)
class PageRequest:
    page_index: int = 0
    # 0 means "no paging": up to the maximum page size.
    page_size: int = 50
    sort: tuple[SortKey, ...] = ()
    # An explicit first entry, instead of page_index pages.
    offset: int | None = None
    # Only these properties (a page written straight out, a few schemas).
    projection: Projection | None = None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a paginated result, with exact totals.

    ``page_size`` is what the client asked for (reported back as is);
    ``limit`` is what was applied, the page size capped by ``max_page_size``.
    """

    entries: Sequence[T]
    total_size: int
    page_index: int
    page_size: int
    limit: int
    max_page_size: int
    start: int | None = None
    # The entity-type of the list when written ("documents", "users", ...).
    kind: str = "documents"
    # A query that failed inside a paginable adapter (Nuxeo's hasError).
    error: str | None = None
    # Totals are exact up to this many (0: always); beyond, total_size is -2.
    count_limit: int = 0
    # A search's aggregates (id -> Nuxeo's aggregate JSON), when it has some.
    aggregations: Mapping[str, Any] | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def offset(self) -> int:
        return self.page_index * self.limit if self.start is None else self.start

    @property
    def truncated(self) -> bool:
        """More results than ``count_limit``: the total is not known."""
        return self.total_size < 0

    @property
    def number_of_pages(self) -> int:
        if self.truncated:
            return 0  # as Nuxeo reports it
        if self.page_size <= 0 or self.total_size <= 0:
            return 1
        return 1 + (self.total_size - 1) // self.limit

    @property
    def is_next_page_available(self) -> bool:
        if self.truncated:
            return len(self.entries) >= self.limit
        return self.total_size > self.offset + len(self.entries)

    @property
    def is_previous_page_available(self) -> bool:
        return self.offset > 0


@dataclass(frozen=True, slots=True)
class EmptyDocument:
    """A document of ``type`` that is not stored, with its schemas' default
    values: what a creation form starts from (Nuxeo's ``@emptyWithDefault``)."""

    type: str
    name: str | None
    parent: Document | None

    @property
    def path(self) -> str | None:
        if self.parent is None or self.parent.path is None or not self.name:
            return None
        return self.parent.path.rstrip("/") + "/" + self.name


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One row of a result set (``Repository.ResultSetQuery``): each selected
    column's label and value, in select order."""

    values: Mapping[str, Any]


@dataclass(slots=True)
class DocumentList:
    """A plain (unpaginated) list of documents, e.g. an operation's result."""

    entries: list[Document] = field(default_factory=list)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True, slots=True)
class Blob:
    """A file: its metadata, and the key of its bytes in the blob store.

    ``document`` and ``xpath`` say where it is attached (its download URL);
    a blob fresh from an upload batch has neither."""

    name: str
    mime_type: str
    key: str
    digest: str
    length: int
    encoding: str | None = None
    document: Document | None = None
    xpath: str | None = None

    def stored(self) -> dict[str, Any]:
        """The value kept in a document's properties."""
        return {
            "name": self.name,
            "mime-type": self.mime_type,
            "encoding": self.encoding,
            "digest": self.digest,
            "digestAlgorithm": "MD5",
            "length": self.length,
            "sha256": self.key,
        }

    @classmethod
    def from_stored(
        cls, value: Mapping[str, Any], document: Document | None = None, xpath: str | None = None
    ) -> Blob:
        return cls(
            name=value.get("name") or "file",
            mime_type=value.get("mime-type") or "application/octet-stream",
            key=value["sha256"],
            digest=value.get("digest") or "",
            length=int(value.get("length") or 0),
            encoding=value.get("encoding"),
            document=document,
            xpath=xpath,
        )


@dataclass(slots=True)
class BlobList:
    """Several blobs, as an operation's input or result."""

    entries: list[Blob] = field(default_factory=list)

    def __iter__(self) -> Iterator[Blob]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """A file made on request (an XML or zip export), streamed as it is made:
    it is not kept in the blob store and has no known length beforehand."""

    name: str
    mime_type: str
    chunks: AsyncIterator[bytes]
