"""The per-request context both doors build and every resolver takes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from docgraph.db.pool import Database
from docgraph.settings import Settings

if TYPE_CHECKING:
    from docgraph.plugins import Registry
    from docgraph.resolvers.loaders import Loaders

EVERYONE = "Everyone"
DEFAULT_REPOSITORY = "default"
REPOSITORIES = frozenset({DEFAULT_REPOSITORY})


@dataclass(frozen=True, slots=True)
class Principal:
    username: str
    groups: tuple[str, ...] = ()
    group_labels: Mapping[str, str | None] = field(default_factory=dict)
    is_administrator: bool = False
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    email: str | None = None
    tenant_id: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every principal an ACE may name for this user."""
        return (self.username, *self.groups, EVERYONE)


@dataclass(slots=True)
class RequestContext:
    principal: Principal
    repository: str
    db: Database
    registry: Registry
    settings: Settings
    # Rendering options from headers and query (properties, enrichers.*, fetch.*, depth).
    options: Mapping[str, Any] = field(default_factory=dict)
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        from docgraph.resolvers.loaders import Loaders

        self.loaders = Loaders(self)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """One unit of work: every statement of the block, from any resolver,
        commits or rolls back together. Nested blocks join the outer one."""
        if self.db.in_transaction:
            yield
            return
        outer = self.db
        async with outer.transaction() as tx:
            self.db = tx
            try:
                yield
            except BaseException:
                # Rows loaded inside a rolled-back transaction must not be reused.
                self.loaders.clear()
                raise
            finally:
                self.db = outer
