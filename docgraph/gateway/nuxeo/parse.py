"""REST URLs to steps, with no I/O.

``/repo/default/path/default-domain/workspaces/@children/@op/Document.Lock``
becomes ``Route("default", PathRoot("/default-domain/workspaces"),
[Step("children"), Step("op", ("Document.Lock",))])``. A document path runs
until the first segment that starts with ``@``; each ``@name`` segment starts
an adapter step whose arguments are the segments up to the next ``@``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

from docgraph.errors import NotFound


@dataclass(frozen=True, slots=True)
class IdRoot:
    uid: str
    # Child names walked down from the document (``/id/{uid}/child/grandchild``).
    children: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PathRoot:
    path: str


@dataclass(frozen=True, slots=True)
class EndpointRoot:
    """A root endpoint other than a document (``automation``, ``me``, ...)."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Step:
    adapter: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Route:
    repository: str | None
    root: IdRoot | PathRoot | EndpointRoot
    steps: tuple[Step, ...] = field(default_factory=tuple)


def split_segments(raw_path: str) -> list[str]:
    """Percent-decoded segments of a raw (still encoded) URL path."""
    return [unquote(s) for s in raw_path.split("/") if s]


def parse(raw_path: str) -> Route:
    """``raw_path`` is what follows ``/api/v1``, still percent-encoded."""
    segments = split_segments(raw_path)
    repository = None
    if len(segments) >= 2 and segments[0] == "repo":
        repository, segments = segments[1], segments[2:]
    if not segments:
        raise NotFound("Type not found: ")
    head, rest = segments[0], segments[1:]
    if head in ("id", "path"):
        target, steps = _split_steps(rest)
        if head == "path":
            return Route(repository, PathRoot("/" + "/".join(target)), steps)
        if not target:
            raise NotFound("Missing document id")
        return Route(repository, IdRoot(target[0], tuple(target[1:])), steps)
    if head.startswith("@"):
        # Adapters on the repository root: /api/v1/@children
        _, steps = _split_steps(segments)
        return Route(repository, PathRoot("/"), steps)
    return Route(repository, EndpointRoot(head, tuple(rest)))


def _split_steps(segments: list[str]) -> tuple[list[str], tuple[Step, ...]]:
    target: list[str] = []
    steps: list[Step] = []
    for segment in segments:
        if segment.startswith("@"):
            steps.append(Step(segment[1:]))
        elif steps:
            last = steps[-1]
            steps[-1] = Step(last.adapter, (*last.args, segment))
        else:
            target.append(segment)
    return target, tuple(steps)
