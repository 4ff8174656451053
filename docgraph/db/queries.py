"""Named, static SQL loaded once from ``db/queries/*.sql``.

A file holds blocks introduced by ``-- name: <query_name>``; ``Q.documents.by_ids``
is the text of block ``by_ids`` in ``documents.sql``. Values only ever travel as
``$n`` parameters.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from types import MappingProxyType, SimpleNamespace

_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


def parse(text: str) -> dict[str, str]:
    parts = _NAME.split(text)
    queries: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"duplicate query name {name!r}")
        queries[name] = body.strip()
    return queries


def load(directory: Path | None = None) -> SimpleNamespace:
    root = directory or Path(str(resources.files("docgraph.db") / "queries"))
    files = {
        path.stem: SimpleNamespace(**parse(path.read_text())) for path in sorted(root.glob("*.sql"))
    }
    return SimpleNamespace(**files)


def is_fragment(sql: str) -> bool:
    """A block that is part of a statement (an ORDER BY or an AND condition
    its module splices into a query), not a statement of its own."""
    code = [
        line for line in sql.splitlines() if line.strip() and not line.lstrip().startswith("--")
    ]
    return bool(code) and code[0].lstrip().upper().startswith(("ORDER BY", "AND "))


def all_queries(namespace: SimpleNamespace) -> MappingProxyType[str, str]:
    """Every statement as ``file.name -> sql`` (fragments left out), for the
    test that prepares them all."""
    return MappingProxyType(
        {
            f"{group}.{name}": sql
            for group, queries in vars(namespace).items()
            for name, sql in vars(queries).items()
            if not is_fragment(sql)
        }
    )


Q = load()
