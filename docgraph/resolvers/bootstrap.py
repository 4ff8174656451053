"""The content and accounts a new repository starts with, as in Nuxeo."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from docgraph.db import acls as db_acls
from docgraph.db import documents as db_documents
from docgraph.db import search as db_search
from docgraph.db import security as db_security
from docgraph.db.pool import Database
from docgraph.resolvers import acls, directories, documents, permissions
from docgraph.resolvers.context import Principal, RequestContext
from docgraph.resolvers.model import ROOT_ID, PathRef
from docgraph.resolvers.properties import system_properties_for_create
from docgraph.resolvers.users import (
    ADMINISTRATOR,
    ADMINISTRATORS,
    check_password,
    hash_password,
    verify_password,
)
from docgraph.settings import Settings

if TYPE_CHECKING:
    from docgraph.plugins import Registry

log = logging.getLogger(__name__)

SYSTEM = Principal(permissions.SYSTEM, is_administrator=True)
DEFAULT_PASSWORD = "Administrator"

GROUPS = [
    ("administrators", "Administrators group", None),
    ("members", "Members group", "Group of users with read access rights"),
    ("powerusers", "Power users group", None),
]

# (principal, permission, granted) of the root's local ACL.
ROOT_ACL = [
    (ADMINISTRATORS, "Everything", True),
    (ADMINISTRATOR, "Everything", True),
    ("members", "Read", True),
]

CONTENT = [
    ("/", "default-domain", "Domain", "Domain"),
    ("/default-domain", "workspaces", "WorkspaceRoot", "Workspaces"),
    ("/default-domain", "sections", "SectionRoot", "Sections"),
    ("/default-domain", "templates", "TemplateRoot", "Templates"),
]
# Local ACEs of the default content besides the root's: (path, principal, permission).
CONTENT_ACL = [("/default-domain/sections", "members", "CanAskForPublishing")]

_LOCK_KEY = 0x646F6368


async def ensure_accounts(
    db: Database, admin_password: str | None = None, min_length: int = 1
) -> None:
    """The default groups, and Administrator with ``admin_password`` (else
    Nuxeo's default, which ``serve`` then refuses to expose beyond localhost)."""
    for name, label, description in GROUPS:
        await db_security.insert_group(db, name, label, description)
    if await db_security.user_by_name(db, ADMINISTRATOR) is None:
        password = admin_password or DEFAULT_PASSWORD
        if admin_password is not None:
            check_password(admin_password, min_length)
        await db_security.insert_user(
            db, ADMINISTRATOR, hash_password(password), email="devnull@nuxeo.com"
        )
        await db_security.add_membership(db, ADMINISTRATOR, ADMINISTRATORS)


async def ensure_default_content(ctx: RequestContext, repository: str) -> None:
    db = ctx.work.db
    if await db_documents.by_ids(db, [ROOT_ID]):
        return
    log.info("creating the default content of repository %r", repository)
    root_type = ctx.registry.types.get("Root")
    assert root_type is not None
    now = datetime.now(UTC)
    root_aces = [permissions.ACE(p, perm, g) for p, perm, g in ROOT_ACL]
    await db_documents.insert(
        db,
        id=ROOT_ID,
        repository=repository,
        parent_id=None,
        name="",
        path="/",
        type="Root",
        lifecycle_state="project",
        properties=system_properties_for_create(root_type, SYSTEM.username, now),
        ancestors=(),
        read_acl=permissions.read_acl_of(root_aces, now),
        now=now,
    )
    await db_acls.replace_acl(
        db, ROOT_ID, "local", [(p, perm, g, None, None, None) for p, perm, g in ROOT_ACL]
    )
    for parent_path, name, type_name, title in CONTENT:
        parent = await documents.get(ctx, PathRef(parent_path))
        await documents.create(
            ctx, parent, type_name=type_name, name=name, properties={"dc:title": title}
        )
    for path, principal, permission in CONTENT_ACL:
        doc = await documents.get(ctx, PathRef(path))
        await acls.add_permission(ctx, doc, [principal], permission)


async def bootstrap(
    db: Database, registry: Registry, settings: Settings, repository: str = "default"
) -> None:
    """Idempotent; concurrent starts serialise on an advisory lock."""
    ctx = RequestContext(SYSTEM, repository, db, registry, settings)
    async with ctx.unit_of_work() as unit:
        await unit.db.lock(_LOCK_KEY)
        await ensure_accounts(unit.db, settings.admin_password, settings.password_min_length)
        await ensure_default_content(ctx, repository)
        if seeded := await directories.seed(unit.db, registry):
            log.info("directories filled with their starting entries: %s", ", ".join(seeded))
        if await db_search.set_fulltext_dictionary(unit.db, settings.fulltext_dictionary):
            log.info("full text now uses the %r dictionary", settings.fulltext_dictionary)


async def uses_default_password(db: Database) -> bool:
    user = await db_security.user_by_name(db, ADMINISTRATOR)
    return user is not None and verify_password(user["password_hash"], DEFAULT_PASSWORD)
