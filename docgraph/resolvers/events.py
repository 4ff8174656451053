"""Change events: what the engine announces about each write.

A unit of work collects them; the request's loaders see each one at once,
registered listeners see them all at commit (see ``unit``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

CREATED = "created"
MODIFIED = "modified"
MOVED = "moved"
DELETED = "deleted"
SECURITY_CHANGED = "security_changed"
CHECKED_IN = "checked_in"
CHECKED_OUT = "checked_out"
RESTORED = "restored"
PUBLISHED = "published"
LOCKED = "locked"
UNLOCKED = "unlocked"
TRASHED = "trashed"
UNTRASHED = "untrashed"
TRANSITION = "transition"
# An event of the client's own naming (Event.Fire), its name in the details.
FIRED = "fired"
# Kinds that change documents below the one named too.
SUBTREE_CHANGES = frozenset({DELETED, MOVED, TRASHED, UNTRASHED, SECURITY_CHANGED})


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    kind: str
    repository: str
    doc_id: UUID
    parent_id: UUID | None
    path: str | None
    doc_type: str
    principal: str
    at: datetime
    # The document after the change (a ``Document``); None once deleted.
    document: Any = None
    # Kind-specific details (e.g. the old path of a move).
    details: tuple[tuple[str, Any], ...] = ()
