"""The code stays linted, formatted and type-checked (configuration in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "docgraph", "tests", "bench", "examples", "scripts"],
        ["ruff", "format", "--check", "docgraph", "tests", "bench", "examples", "scripts"],
        ["mypy", "docgraph", "examples/docgraph-hello/docgraph_hello"],
    ],
    ids=["ruff-check", "ruff-format", "mypy"],
)
def test_tool_passes(command):
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
