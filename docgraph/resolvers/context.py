"""The per-request context both doors build and every resolver takes."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docgraph.db.blobs import BlobStore, store_for
from docgraph.db.pool import Database
from docgraph.resolvers.rendering import RenderingOptions
from docgraph.settings import Settings

if TYPE_CHECKING:
    from docgraph.plugins import Registry
    from docgraph.resolvers.live import ChangeHub
    from docgraph.resolvers.loaders import Loaders
    from docgraph.resolvers.unit import UnitOfWork
    from docgraph.resolvers.users import Authenticator

EVERYONE = "Everyone"
DEFAULT_REPOSITORY = "default"
REPOSITORIES = frozenset({DEFAULT_REPOSITORY})


@dataclass(frozen=True, slots=True)
class Principal:
    """Who makes a request: what permission checks need, nothing more (the
    account itself is ``accounts.User``)."""

    username: str
    # Every group, including through nested groups.
    groups: tuple[str, ...] = ()
    is_administrator: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Every principal an ACE may name for this user."""
        return (self.username, *self.groups, EVERYONE)


@dataclass(slots=True, weakref_slot=True)
class RequestContext:
    principal: Principal
    repository: str
    # The pool: statements outside a unit of work.
    database: Database
    registry: Registry
    settings: Settings
    # How results are written (schemas, fetch.*, enrichers.*, depth), built by each door.
    rendering: RenderingOptions = field(default_factory=RenderingOptions)
    # The open unit of work of a mutating request, set by its door.
    unit: UnitOfWork | None = None
    # The process's credential cache, told when an account changes.
    authenticator: Authenticator | None = None
    # The process's feed of committed changes, for subscriptions.
    changes: ChangeHub | None = None
    # The server's URL as the client reached it, for links in answers.
    base_url: str = "/nuxeo/"
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        from docgraph.resolvers.loaders import Loaders

        self.loaders = Loaders(self)

    @property
    def db(self) -> Database:
        """Where reads go: the unit's transaction once one is open (so that a
        request reads its own writes), else the pool."""
        return self.database if self.unit is None else self.unit.db

    @property
    def work(self) -> UnitOfWork:
        """The unit of work a write joins; writing outside one is a bug in the door."""
        if self.unit is None:
            raise RuntimeError("a write needs a unit of work: open one with unit_of_work(ctx)")
        return self.unit

    @property
    def blobs(self) -> BlobStore:
        """Where file bytes are kept (chosen by settings)."""
        return store_for(self.settings)

    async def release_connection(self) -> None:
        """Give the request's connection back before a long wait on the client
        (an upload streaming in); the next statement takes one again."""
        assert self.unit is None, "a unit of work keeps its connection"
        await self.database.close()

    async def release_if_idle(self) -> None:
        """The same, before slow work (a conversion), unless a unit of work
        holds the connection."""
        if self.unit is None:
            await self.database.close()

    async def close(self) -> None:
        """End of the request (or of a subscription's wait between two
        events): the rows it cached are dropped and its connection returns."""
        self.loaders.clear()
        await self.database.close()

    def unit_of_work(self) -> AbstractAsyncContextManager[UnitOfWork]:
        from docgraph.resolvers.unit import unit_of_work

        return unit_of_work(self)
