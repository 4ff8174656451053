"""Lifecycle policies: states, the transitions out of each, where documents start."""

from __future__ import annotations

# The ``default`` policy: state -> {transition: next state}.
DEFAULT_POLICY: dict[str, dict[str, str]] = {
    "project": {"approve": "approved", "obsolete": "obsolete", "delete": "deleted"},
    "approved": {"delete": "deleted", "backToProject": "project"},
    "obsolete": {"delete": "deleted", "backToProject": "project"},
    "deleted": {"undelete": "project"},
}
COMMENT_MODERATION: dict[str, dict[str, str]] = {
    "moderation_pending": {
        "moderation_publish": "moderation_published",
        "moderation_reject": "moderation_rejected",
    },
    "moderation_published": {},
    "moderation_rejected": {},
}
POLICIES = {"default": DEFAULT_POLICY, "comment_moderation": COMMENT_MODERATION}
# Where a document of each policy starts.
INITIAL_STATES = {"default": "project", "comment_moderation": "moderation_pending"}
