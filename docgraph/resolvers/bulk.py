"""Bulk actions: an action run over every document a query finds.

A command is kept in the database when it is submitted. A worker in any
server process takes it, scrolls the query once (the matching ids are kept,
in id order, so that the action sees the documents as they were found and
``total`` is exact), then runs the action batch by batch as the user who
submitted it, each batch in its own unit of work: permissions, locks and
change events apply as to any write. A batch that fails is run again one
document at a time; each document that still fails counts in
``errorCount``. A batch's progress is recorded in its own unit of work, so
a command whose worker died is taken over, once its lease runs out, exactly
where it stood: no batch is done twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import orjson

from docgraph.db import bulk as db_bulk
from docgraph.db.nxql.compiler import Compiler
from docgraph.db.nxql.parser import parse
from docgraph.db.pool import Database, Record, lock_key
from docgraph.errors import BadRequest, DocGraphError, Forbidden, NotFound, TooManyRequests
from docgraph.plugins import BulkAction, Registry
from docgraph.resolvers import documents, search
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.permissions import browse_filter
from docgraph.resolvers.users import load_principal
from docgraph.settings import Settings

log = logging.getLogger(__name__)

SCHEDULED, RUNNING, COMPLETED, ABORTED = "SCHEDULED", "RUNNING", "COMPLETED", "ABORTED"
FINISHED = frozenset({COMPLETED, ABORTED})
# Nuxeo's default batch size; a batch is one unit of work.
DEFAULT_BATCH_SIZE = 25
# A worker holds a command this long after each batch.
LEASE = 120.0
# Finished commands are forgotten after a week, looked for every ten minutes.
KEPT = 7 * 24 * 3600.0
DROP_INTERVAL = 600.0


@dataclass(frozen=True, slots=True)
class BulkStatus:
    """Where a command stands (Nuxeo's ``bulkStatus`` entity)."""

    id: UUID
    action: str
    username: str
    state: str
    total: int | None
    processed: int
    error_count: int
    error_message: str | None
    submitted: datetime
    scroll_start: datetime | None
    scroll_end: datetime | None
    processing_start: datetime | None
    processing_end: datetime | None
    completed: datetime | None

    @classmethod
    def from_record(cls, row: Record) -> BulkStatus:
        return cls(
            id=row["id"],
            action=row["action"],
            username=row["username"],
            state=row["state"],
            total=row["total"],
            processed=row["processed"],
            error_count=row["error_count"],
            error_message=row["error_message"],
            submitted=row["submitted"],
            scroll_start=row["scroll_start"],
            scroll_end=row["scroll_end"],
            processing_start=row["processing_start"],
            processing_end=row["processing_end"],
            completed=row["completed"],
        )

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


def action_parameters(raw: Any) -> dict[str, Any]:
    """An action's parameters: a JSON object, or its text (Nuxeo's form)."""
    if raw is None:
        return {}
    if isinstance(raw, str):
        try:
            raw = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise BadRequest("parameters must be a JSON object") from None
    if not isinstance(raw, dict):
        raise BadRequest("parameters must be a JSON object")
    return raw


def _action(ctx: RequestContext, name: str) -> BulkAction:
    found = ctx.registry.bulk_actions.get(name)
    if found is None:
        raise BadRequest(f"Unknown bulk action: {name[:80]}")
    if found.administrators_only and not ctx.principal.is_administrator:
        raise Forbidden(f"Only administrators may run the bulk action {name}")
    return found


async def submit(
    ctx: RequestContext,
    action: str,
    *,
    query: str | None = None,
    provider: str | None = None,
    query_params: Sequence[Any] = (),
    params: Mapping[str, Any] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> BulkStatus:
    """Check the command (action, parameters, query) and keep it for a
    worker; it starts within moments. ``provider``: an NXQL page provider
    whose query, with ``query_params``, names the documents."""
    found = _action(ctx, action)
    params = dict(params or {})
    if found.check is not None:
        found.check(ctx, params)
    largest = ctx.settings.bulk_max_batch_size
    if not 1 <= batch_size <= largest:
        raise BadRequest(f"batchSize must be between 1 and {largest}")
    if provider is not None:
        named = search.provider(ctx, provider)
        if not isinstance(named, search.QueryProvider):
            raise BadRequest(f"The page provider {provider} has no one NXQL query")
        text = search.checked_text(ctx, named.pattern, query_params, quoted=named.quoted)
    elif query is not None:
        text = search.checked_text(ctx, query, query_params)
    else:
        raise BadRequest("A bulk command needs a query or a providerName")
    unit = ctx.work
    # One submission of a user's at a time: the count below stays true.
    await unit.db.lock(lock_key(f"bulk:{ctx.principal.username}"))
    most = ctx.settings.bulk_max_unfinished
    if await db_bulk.unfinished_of(unit.db, ctx.principal.username) >= most:
        raise TooManyRequests(
            f"{most} bulk commands of yours are waiting or running: wait for one", retry_after=5
        )
    row = await db_bulk.submit(
        unit.db,
        uuid4(),
        action,
        ctx.principal.username,
        ctx.repository,
        text,
        params,
        batch_size,
    )
    unit.on_commit.append(wake)  # the worker must find it committed
    return BulkStatus.from_record(row)


async def status(ctx: RequestContext, command_id: str) -> BulkStatus:
    """The user's own command (any, for an administrator); 404 otherwise."""
    try:
        key = UUID(command_id)
    except ValueError:
        raise NotFound(f"No bulk command {command_id[:40]}") from None
    row = await db_bulk.command(ctx.db, key)
    if row is None or not (
        ctx.principal.is_administrator or row["username"] == ctx.principal.username
    ):
        raise NotFound(f"No bulk command {command_id[:40]}")
    return BulkStatus.from_record(row)


async def abort(ctx: RequestContext, command_id: str) -> BulkStatus:
    """A scheduled command is aborted at once, a running one after its batch."""
    found = await status(ctx, command_id)
    await db_bulk.request_abort(ctx.db, found.id)
    return await status(ctx, command_id)


async def wait(ctx: RequestContext, command_id: str, seconds: float) -> bool:
    """Whether the command finished within ``seconds``. Between looks
    a request outside a unit of work gives its connection back: a waiting
    client holds none."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(0.0, min(seconds, ctx.settings.request_timeout))
    pause = 0.05
    while True:
        if (await status(ctx, command_id)).finished:
            return True
        if loop.time() >= deadline:
            return False
        await ctx.release_if_idle()
        await asyncio.sleep(min(pause, max(0.0, deadline - loop.time())))
        pause = min(pause * 2, 0.5)


# -- the worker -------------------------------------------------------------------

_wakeups: dict[int, asyncio.Event] = {}


def _wakeup() -> asyncio.Event:
    loop = asyncio.get_running_loop()
    return _wakeups.setdefault(id(loop), asyncio.Event())


def wake() -> None:
    """A command was submitted: this process's worker looks at once."""
    _wakeup().set()


async def work_forever(
    database: Database, registry: Registry, settings: Settings, interval: float
) -> None:
    """Run due commands one after another; between them, look again every
    ``interval`` seconds or when this process submits one."""
    event = _wakeup()
    loop = asyncio.get_running_loop()
    dropped = loop.time()
    while True:
        event.clear()
        try:
            ran = await run_due(database, registry, settings)
            if not ran and loop.time() - dropped > DROP_INTERVAL:
                await db_bulk.drop_old(database, KEPT)
                dropped = loop.time()
        except Exception:  # the database may be away for a while
            log.exception("bulk commands failed; retrying later")
            ran = False
        if not ran:
            try:
                await asyncio.wait_for(event.wait(), interval)
            except TimeoutError:
                pass


async def run_due(database: Database, registry: Registry, settings: Settings) -> bool:
    """Run the oldest due command to its end; whether there was one."""
    row = await db_bulk.claim(database, LEASE)
    if row is None:
        return False
    principal = await load_principal(database, row["username"])
    action = registry.bulk_actions.get(row["action"])
    if principal is None or action is None:
        await db_bulk.progressed(
            database,
            row["id"],
            done=0,
            errors=0,
            error_message="The user or the action no longer exists",
            position=row["done_position"],
            lease=LEASE,
        )
        await db_bulk.finish(database, row["id"], ABORTED)
        return True
    run = _Run(database, registry, settings, principal, row, action)
    await run.to_the_end()
    return True


@dataclass(slots=True)
class _Run:
    database: Database
    registry: Registry
    settings: Settings
    principal: Principal
    row: Record
    action: BulkAction

    def _ctx(self) -> RequestContext:
        """A context per batch: what the loaders hold never outlives a batch."""
        return RequestContext(
            self.principal, self.row["repository"], self.database, self.registry, self.settings
        )

    async def to_the_end(self) -> None:
        command = self.row["id"]
        if self.row["total"] is None:
            await self._scroll()
        position = self.row["done_position"]
        while True:
            items = await db_bulk.batch(self.database, command, position, self.row["batch_size"])
            if not items:
                await db_bulk.finish(self.database, command, COMPLETED)
                return
            if await self._batch(items):
                await db_bulk.finish(self.database, command, ABORTED)
                return
            position = items[-1]["position"]

    async def _scroll(self) -> None:
        ctx = self._ctx()
        started = datetime.now(UTC)
        compiled = Compiler(ctx.registry.types).compile(parse(self.row["query"]))
        await db_bulk.scroll(
            self.database,
            self.row["id"],
            ctx.repository,
            compiled,
            await browse_filter(ctx),
            started,
        )

    async def _batch(self, items: list[Record]) -> bool:
        """Run one batch whole or, when it fails, its documents one by one
        (each one that still fails counts as an error); whether an abort
        was asked for meanwhile."""
        try:
            return await self._attempt([r["document_id"] for r in items], items[-1]["position"])
        except _Failed:
            pass
        aborted = False
        for item in items:
            try:
                aborted = await self._attempt([item["document_id"]], item["position"])
            except _Failed as failure:
                aborted = await db_bulk.progressed(
                    self.database,
                    self.row["id"],
                    done=1,
                    errors=1,
                    error_message=failure.message,
                    position=item["position"],
                    lease=LEASE,
                )
        return aborted

    async def _attempt(self, ids: list[UUID], position: int) -> bool:
        """The action on ``ids``, and the command's progress up to
        ``position`` recorded in the same unit of work: a batch is done
        exactly once, whenever its worker dies."""
        ctx = self._ctx()
        try:
            async with ctx.unit_of_work():
                # Documents deleted since the scroll are skipped. Rows are
                # locked in one stable order first, as every multi-document
                # write does, so a batch never deadlocks with another writer.
                docs = await documents.reload(ctx, ids)
                await documents.lock_in_order(ctx, docs)
                await self.action.func(ctx, docs, self.row["params"])
                return await db_bulk.progressed(
                    ctx.work.db,
                    self.row["id"],
                    done=len(ids),
                    errors=0,
                    error_message=None,
                    position=position,
                    lease=LEASE,
                )
        except DocGraphError as exc:
            raise _Failed(exc.message) from None
        except Exception:
            log.exception("bulk action %s failed on %s", self.action.name, ids)
            raise _Failed("Internal error") from None


class _Failed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
