"""Dependencies point one way: gateway -> schema -> resolvers -> db."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "docgraph"

FORBIDDEN = {
    "gateway": ("asyncpg", "docgraph.db.queries"),
    "resolvers": (
        "aiohttp",
        "strawberry",
        "graphql",
        "asyncpg",
        "docgraph.gateway",
        "docgraph.schema",
    ),
    "schema": ("aiohttp", "asyncpg", "docgraph.gateway", "docgraph.db"),
    "db": (
        "aiohttp",
        "strawberry",
        "graphql",
        "docgraph.gateway",
        "docgraph.schema",
        "docgraph.resolvers",
    ),
}


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer):
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for name in imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer])
    ]
    assert offenders == []
