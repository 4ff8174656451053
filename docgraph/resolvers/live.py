"""Live changes: every committed change event, in every process, for subscribers.

A unit of work announces its events with PostgreSQL ``NOTIFY`` inside its
transaction, so they are delivered when (and only if) it commits, to every
docgraph process listening, the writer's included. Each process hands them
to its ``ChangeHub``; a subscriber follows the hub through a ``Watch`` (one
document, a subtree, some types) and sees a change only if it may read the
document, as it is after the change (a deletion: if it may read the parent).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

import orjson

from docgraph.db.notify import CHANGES, notify
from docgraph.errors import BadRequest, ServiceUnavailable
from docgraph.resolvers import documents, permissions
from docgraph.resolvers.events import DELETED, FIRED, SUBTREE_CHANGES, ChangeEvent
from docgraph.resolvers.model import Document, IdRef

if TYPE_CHECKING:
    from docgraph.plugins import Registry
    from docgraph.resolvers.context import RequestContext

log = logging.getLogger(__name__)

# PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more.
MAX_PAYLOAD = 7_900


@dataclass(frozen=True, slots=True)
class Change:
    """A committed change event, as it crosses processes."""

    kind: str
    repository: str
    doc_id: UUID
    parent_id: UUID | None
    path: str | None
    doc_type: str
    principal: str
    at: str
    old_path: str | None = None
    # A fired event's name (Event.Fire).
    name: str | None = None

    @classmethod
    def of(cls, event: ChangeEvent) -> Change:
        details = dict(event.details)
        old_path = details.get("old_path")
        name = details.get("name") if event.kind == FIRED else None
        return cls(
            event.kind,
            event.repository,
            event.doc_id,
            event.parent_id,
            event.path,
            event.doc_type,
            event.principal,
            event.at.isoformat(),
            old_path if isinstance(old_path, str) else None,
            name if isinstance(name, str) else None,
        )

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "repository": self.repository,
            "id": str(self.doc_id),
            "parentId": None if self.parent_id is None else str(self.parent_id),
            "path": self.path,
            "type": self.doc_type,
            "principal": self.principal,
            "at": self.at,
            "oldPath": self.old_path,
            "name": self.name,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Change:
        parent = data.get("parentId")
        return cls(
            str(data["kind"]),
            str(data["repository"]),
            UUID(str(data["id"])),
            None if parent is None else UUID(str(parent)),
            None if data.get("path") is None else str(data["path"]),
            str(data["type"]),
            str(data["principal"]),
            str(data["at"]),
            None if data.get("oldPath") is None else str(data["oldPath"]),
            None if data.get("name") is None else str(data["name"]),
        )


def encode(changes: Iterable[Change]) -> list[str]:
    """Payloads of at most ``MAX_PAYLOAD`` bytes, each a JSON list of changes."""
    payloads: list[bytes] = []
    batch: list[bytes] = []
    size = 2
    for change in changes:
        item = orjson.dumps(change.as_json())
        if batch and size + len(item) + 1 > MAX_PAYLOAD:
            payloads.append(b"[" + b",".join(batch) + b"]")
            batch, size = [], 2
        batch.append(item)
        size += len(item) + 1
    if batch:
        payloads.append(b"[" + b",".join(batch) + b"]")
    return [p.decode() for p in payloads]


def decode(payload: str) -> list[Change]:
    return [Change.from_json(item) for item in orjson.loads(payload)]


async def announce(ctx: RequestContext, events: Sequence[ChangeEvent]) -> None:
    """The ``before_commit`` listener: delivered at commit, never on rollback."""
    for payload in encode(Change.of(event) for event in events):
        await notify(ctx.work.db, CHANGES, payload)


def register(registry: Registry) -> None:
    registry.add_listener(announce, phase="before_commit")


# -- one process's subscribers ---------------------------------------------------


class Feed:
    """One subscriber's queue of changes, bounded: a subscriber that reads
    slower than changes arrive is dropped, not buffered without end."""

    def __init__(self, size: int) -> None:
        self.queue: asyncio.Queue[Change] = asyncio.Queue(size)
        self.overflowed = False

    def put(self, change: Change) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(change)
        except asyncio.QueueFull:
            self.overflowed = True
            log.warning("a change subscriber fell %d changes behind: dropped", self.queue.qsize())

    async def get(self) -> Change:
        if self.overflowed and self.queue.empty():
            raise ServiceUnavailable("Changes arrived faster than this subscription read them")
        return await self.queue.get()


class ChangeHub:
    """This process's subscribers. Each costs a permission check per matching
    change, so their number is bounded too."""

    def __init__(self, feed_size: int = 1000, max_feeds: int = 10_000) -> None:
        self.feed_size = feed_size
        self.max_feeds = max_feeds
        self.feeds: set[Feed] = set()

    def publish(self, changes: Iterable[Change]) -> None:
        for change in changes:
            for feed in self.feeds:
                feed.put(change)

    def publish_payload(self, payload: str) -> None:
        try:
            changes = decode(payload)
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed change notification")
            return
        self.publish(changes)

    @contextmanager
    def feed(self) -> Iterator[Feed]:
        if len(self.feeds) >= self.max_feeds:
            raise ServiceUnavailable(
                f"This server follows {self.max_feeds} subscriptions already", retry_after=30
            )
        feed = Feed(self.feed_size)
        self.feeds.add(feed)
        try:
            yield feed
        finally:
            self.feeds.discard(feed)


@dataclass(frozen=True, slots=True)
class Watch:
    """What a subscriber follows: all of it must match (unset = anything)."""

    doc_id: UUID | None = None
    path: str | None = None  # the document there and everything below it
    types: frozenset[str] | None = None

    def matches(self, change: Change) -> bool:
        if self.doc_id is not None and change.doc_id != self.doc_id:
            return False
        if self.types is not None and change.doc_type not in self.types:
            return False
        if self.path is not None:
            return any(
                _within(path, self.path)
                # A move, trash or ACL change above the subtree changes it too.
                or (change.kind in SUBTREE_CHANGES and _within(self.path, path))
                for path in (change.path, change.old_path)
                if path is not None
            )
        return True


def _within(path: str, top: str) -> bool:
    return top == "/" or path == top or path.startswith(top + "/")


def watch(doc_id: str | None, path: str | None, types: Sequence[str] | None) -> Watch:
    return Watch(
        None if doc_id is None else _uuid(doc_id),
        None if path is None else documents.normalize_path(path),
        None if types is None else frozenset(types),
    )


def _uuid(text: str) -> UUID:
    try:
        return UUID(text)
    except ValueError:
        raise BadRequest(f"Not a document id: {text[:64]}") from None


async def follow(
    ctx: RequestContext, hub: ChangeHub, what: Watch
) -> AsyncIterator[tuple[Change, Document | None]]:
    """The changes ``what`` matches that the user may see, with the document
    as it is now (``None`` once deleted). Between changes the context holds
    no connection and no cached rows."""
    with hub.feed() as feed:
        while True:
            change = await feed.get()
            if change.repository != ctx.repository or not what.matches(change):
                continue
            await ctx.close()
            visible, doc = await _visible(ctx, change)
            if visible:
                yield change, doc


async def _visible(ctx: RequestContext, change: Change) -> tuple[bool, Document | None]:
    if change.kind == DELETED:
        if change.parent_id is None:
            return False, None
        parent = await documents.load(ctx, IdRef(str(change.parent_id)))
        return parent is not None and permissions.can_read(ctx.principal, parent), None
    doc = await documents.load(ctx, IdRef(str(change.doc_id)))
    if doc is None or not permissions.can_read(ctx.principal, doc):
        return False, None
    return True, doc
