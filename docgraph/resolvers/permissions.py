"""The permission check every resolver calls before it reads or writes.

Until ACL evaluation lands, the rules are: administrators (and members of
``administrators``) hold every permission; a document's creator holds every
permission on it; reading needs the user, one of its groups or ``Everyone``
in the document's ``read_acl`` (inherited from the parent at creation).
"""

from __future__ import annotations

from collections.abc import Sequence

from docgraph.errors import Forbidden
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.model import Document

READ = "Read"
WRITE = "Write"
ADD_CHILDREN = "AddChildren"
REMOVE = "Remove"

# Permissions granted by being listed in read_acl.
_READ_LEVEL = frozenset(
    {
        "Browse",
        "Read",
        "ReadProperties",
        "ReadChildren",
        "ReadLifeCycle",
        "ReadSecurity",
        "ReadVersion",
    }
)


# Creates the default content; never a user, so never a "creator".
SYSTEM = "system"


def has_permission(principal: Principal, doc: Document, permission: str) -> bool:
    if principal.is_administrator:
        return True
    if doc.creator == principal.username and principal.username != SYSTEM:
        return True
    if permission in _READ_LEVEL:
        return not doc.read_acl.isdisjoint(principal.names)
    return False


def check(ctx: RequestContext, doc: Document, permission: str) -> None:
    if not has_permission(ctx.principal, doc, permission):
        raise Forbidden(f"Privilege '{permission}' is not granted to '{ctx.principal.username}'")


def browse_filter(ctx: RequestContext) -> Sequence[str] | None:
    """The principals filter a listing puts in its SQL; ``None`` = no filter."""
    return None if ctx.principal.is_administrator else ctx.principal.names
