"""Personal workspaces: ``/default-domain/UserWorkspaces/<user>``, created the
first time a user's own space is needed (their collections, their
favorites, ``UserWorkspace.Get``), as Nuxeo's user workspace service does.

The root is for administrators (its inheritance blocked); each workspace
grants its user Everything and blocks inheritance too, so only the user and
administrators see it. Creation runs as the system, under an advisory lock,
so two first requests of one user create one workspace."""

from __future__ import annotations

import dataclasses
import hashlib

from docgraph.db.pool import lock_key
from docgraph.errors import DocumentNotFound
from docgraph.resolvers import acls, documents, permissions
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.model import Document, PathRef

DOMAIN = "/default-domain"
ROOT_NAME = "UserWorkspaces"
ROOT_PATH = f"{DOMAIN}/{ROOT_NAME}"
SYSTEM = Principal(permissions.SYSTEM, is_administrator=True)


async def _find(ctx: RequestContext, path: str) -> Document | None:
    try:
        return await documents.get(ctx, PathRef(path))
    except DocumentNotFound:
        return None


async def ensure_child(
    ctx: RequestContext, parent: Document, name: str, type_name: str, title: str
) -> tuple[Document, bool]:
    """``parent``'s child ``name``, created (as the system) if missing; True
    if it was just created. Needs the request's unit of work."""
    path = f"{parent.path}/{name}"
    system = dataclasses.replace(ctx, principal=SYSTEM)
    found = await _find(system, path)
    if found is not None:
        return found, False
    await ctx.work.db.lock(lock_key(path))
    # Another request may have made it meanwhile: read again, not from the cache.
    system.loaders.clear()
    found = await _find(system, path)
    if found is not None:
        return found, False
    created = await documents.create(
        system, parent, type_name=type_name, name=name, properties={"dc:title": title}
    )
    return created, True


def workspace_name(username: str) -> str:
    """The user name when it is a path segment as it is; otherwise its
    segment shortened plus a digest, so that two users never share one (path
    segments are cut at 24 characters and lose their slashes)."""
    segment = documents.path_segment(username)
    if segment == username:
        return segment
    digest = hashlib.sha256(username.encode()).hexdigest()[:8]
    return f"{segment[:15]}-{digest}"


async def personal_workspace(ctx: RequestContext) -> Document:
    """The request's user's workspace, created the first time."""
    system = dataclasses.replace(ctx, principal=SYSTEM)
    domain = await documents.get(system, PathRef(DOMAIN))
    root, new_root = await ensure_child(ctx, domain, ROOT_NAME, "UserWorkspacesRoot", ROOT_NAME)
    if new_root:
        root = await acls.block_inheritance(system, root)
    user = ctx.principal.username
    workspace, new = await ensure_child(ctx, root, workspace_name(user), "Workspace", user)
    if new:
        workspace = await acls.add_permission(system, workspace, [user], permissions.EVERYTHING)
        workspace = await acls.block_inheritance(system, workspace)
    return workspace
