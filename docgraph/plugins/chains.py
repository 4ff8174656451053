"""Automation chains declared in a configuration file (``DOCGRAPH_CHAINS_FILE``).

A JSON document::

    {"chains": [
        {"id": "CreateAndLock", "description": "...",
         "operations": [
             {"id": "Document.Create", "params": {"type": "Note", "name": "n"}},
             {"id": "Document.Lock"}]}]}

Each chain runs as ``Chain.{id}`` (or ``{id}``) and is listed in the
catalogue; the request's ``params`` and ``context`` are its context variables.
Unknown operations stop the start-up, as a plugin's mistakes do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from docgraph.plugins.registry import Registry
from docgraph.resolvers.operations.model import Chain, ChainStep


def _step(raw: Any, where: str) -> ChainStep:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise ValueError(f"{where}: a step is an object with an operation id")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise ValueError(f"{where}: params must be an object")
    return ChainStep(raw["id"], params)


def parse_chains(text: bytes | str) -> list[Chain]:
    data = orjson.loads(text)
    entries = data.get("chains") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError('the file must be {"chains": [...]}')
    chains = []
    for number, entry in enumerate(entries):
        where = f"chain {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not entry["id"]:
            raise ValueError(f"{where}: a chain has an id")
        steps = entry.get("operations")
        if not isinstance(steps, list) or not steps:
            raise ValueError(f"{where} ({entry['id']}): a chain has operations")
        chains.append(
            Chain(
                entry["id"],
                tuple(_step(s, f"{where} ({entry['id']})") for s in steps),
                str(entry.get("description") or ""),
            )
        )
    return chains


def chains_file(path: Path) -> Callable[[Registry], None]:
    """A ``register`` callable adding the file's chains (read when called)."""

    def register(registry: Registry) -> None:
        for chain in parse_chains(path.read_bytes()):
            registry.add_chain(chain)

    return register
