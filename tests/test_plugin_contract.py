"""The documented extension points and the code agree."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import docgraph.plugins as plugins
from docgraph.plugins import registry as contract

GUIDE = Path(__file__).parents[1] / "docs" / "plugins.md"


def extension_points() -> set[str]:
    return {
        name
        for name, _ in inspect.getmembers(plugins.Registry, inspect.isfunction)
        if name.startswith(("add_", "allow_"))
    }


def test_every_point_is_documented_and_every_documented_point_exists():
    guide = GUIDE.read_text()
    documented = set(re.findall(r"registry\.((?:add|allow)_\w+)\(", guide))
    assert documented == extension_points()
    listed = set(re.findall(r"``((?:add|allow)_\w+)``", plugins.__doc__ or ""))
    assert listed == extension_points()


def _positional(func) -> int:
    params = inspect.signature(func).parameters.values()
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)


PROTOCOLS = {
    "adapters": contract.AdapterHandler,
    "endpoints": contract.EndpointHandler,
    "enrichers": contract.EnricherFunc,
    "writers": contract.WriterFunc,
}


@pytest.mark.parametrize("point", sorted(PROTOCOLS))
def test_contributions_take_the_documented_arguments(point):
    expected = _positional(PROTOCOLS[point].__call__) - 1  # self
    registry = plugins.build_registry()
    table = getattr(registry, point)
    assert table
    for entry in table.values():
        func = getattr(entry, "handler", None) or entry.func
        assert inspect.iscoroutinefunction(func), func
        assert _positional(func) == expected, func
