"""``@acl``: the document's ACP (its ACLs, then the inherited one)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docgraph.plugins import Adapter
from docgraph.resolvers import acls, permissions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry


async def acl(
    ctx: RequestContext, subject: Document, args: tuple[str, ...], call: Call
) -> acls.ACP:
    await permissions.check(ctx, subject, permissions.READ_SECURITY)
    return await acls.acp(ctx, subject)


def register(registry: Registry) -> None:
    registry.add_adapter(Adapter("acl", acl, accepts=(Document,)))
