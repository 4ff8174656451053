"""Directories: vocabularies and other tables of entries, as Nuxeo's
``/directory`` serves them. Everyone signed in reads them; administrators
and power users write them. Definitions come from the registry (plugins add
their own); the default ones start with Nuxeo's data (``directory_data/``).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgraph.db import directories as db_directories
from docgraph.db.pool import Database
from docgraph.errors import BadRequest, Conflict, Forbidden, NotFound
from docgraph.plugins import Directory, DirectoryField
from docgraph.resolvers import paging
from docgraph.resolvers.accounts import POWERUSERS
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Page, PageRequest
from docgraph.resolvers.users import ADMINISTRATORS

if TYPE_CHECKING:
    from docgraph.plugins import Registry

DATA = Path(__file__).with_name("directory_data")
# Nuxeo's directory.querySizeLimit: the default page of a listing.
DEFAULT_PAGE_SIZE = 50
MAX_ID_LENGTH = 255
# Directories of accounts are written through /user and /group.
ACCOUNT_DIRECTORIES = frozenset({"userDirectory", "groupDirectory"})
SYSTEM = "system"

_ORDERING_DEFAULT = 10_000_000
_COMMON = (
    DirectoryField("obsolete", "integer", 0),
    DirectoryField("ordering", "integer", _ORDERING_DEFAULT),
)
VOCABULARY = (DirectoryField("id"), DirectoryField("label"), *_COMMON)
XVOCABULARY = (*VOCABULARY[:2], DirectoryField("parent"), *_COMMON)
L10NXVOCABULARY = (
    DirectoryField("id"),
    DirectoryField("parent"),
    DirectoryField("label_en"),
    DirectoryField("label_fr"),
    *_COMMON,
)

DEFAULTS = (
    Directory("continent", "vocabulary", VOCABULARY, data=DATA / "continent.csv"),
    Directory("country", "xvocabulary", XVOCABULARY, parent="continent", data=DATA / "country.csv"),
    Directory("nature", "vocabulary", VOCABULARY, data=DATA / "nature.csv"),
    Directory(
        "l10nsubjects",
        "l10nxvocabulary",
        L10NXVOCABULARY,
        parent="l10nsubjects",
        data=DATA / "l10nsubjects.csv",
    ),
    Directory(
        "l10ncoverage",
        "l10nxvocabulary",
        L10NXVOCABULARY,
        parent="l10ncoverage",
        data=DATA / "l10ncoverage.csv",
    ),
    Directory("language", "vocabulary", VOCABULARY, data=DATA / "language.csv"),
    # The operators a search form offers; a system directory, so not listed.
    Directory(
        "search_operators",
        "vocabulary",
        VOCABULARY,
        types=(SYSTEM,),
        data=DATA / "search_operators.csv",
    ),
)


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    directory: str
    id: str
    # Every field of the directory's schema.
    properties: Mapping[str, Any]
    # With ``fetch.directoryEntry: parent``: the parent entry, when found.
    parent: DirectoryEntry | None = field(default=None, compare=False)


def definition(ctx: RequestContext, name: str) -> Directory:
    if name in ACCOUNT_DIRECTORIES:
        raise BadRequest(f"Directory {name} is managed through the user and group endpoints")
    found = ctx.registry.directories.get(name)
    if found is None:
        raise NotFound(f"Directory not found: {name}")
    return found


def listed(ctx: RequestContext, types: Sequence[str] = ()) -> list[Directory]:
    """The directories of one of ``types``; without, all but system ones."""
    directories = ctx.registry.directories.values()
    if types:
        return [d for d in directories if set(d.types) & set(types)]
    return [d for d in directories if SYSTEM not in d.types]


def _complete(directory: Directory, values: Mapping[str, Any]) -> dict[str, Any]:
    return {f.name: values.get(f.name, f.default) for f in directory.fields}


def _entry(directory: Directory, id: str, values: Mapping[str, Any]) -> DirectoryEntry:
    return DirectoryEntry(directory.name, id, _complete(directory, values))


async def entries(ctx: RequestContext, name: str, page: PageRequest) -> Page[DirectoryEntry]:
    directory = definition(ctx, name)
    limit, offset = paging.window(page, ctx.settings.max_page_size)
    rows, total = await db_directories.page(ctx.db, directory.name, limit, offset)
    found = [_entry(directory, r["id"], r["properties"]) for r in rows]
    found = await _with_parents(ctx, directory, found)
    return paging.page_of(
        found, total, page, limit, offset, ctx.settings.max_page_size, "directoryEntries"
    )


async def get_entry(ctx: RequestContext, name: str, id: str) -> DirectoryEntry:
    found = await find_entry(ctx, name, id)
    if found is None:
        raise NotFound("Entry not found")
    return found


async def find_entry(ctx: RequestContext, name: str, id: str) -> DirectoryEntry | None:
    directory = definition(ctx, name)
    rows = await db_directories.by_ids(ctx.db, directory.name, [id])
    if not rows:
        return None
    [entry] = await _with_parents(ctx, directory, [_entry(directory, id, rows[0]["properties"])])
    return entry


async def _with_parents(
    ctx: RequestContext, directory: Directory, found: list[DirectoryEntry]
) -> list[DirectoryEntry]:
    """``fetch.directoryEntry: parent``: each entry's parent entry, all read
    in one statement."""
    if directory.parent is None or not ctx.rendering.fetches("directoryEntry", "parent"):
        return found
    parent_dir = ctx.registry.directories[directory.parent]
    wanted = sorted({p for e in found if isinstance(p := e.properties.get("parent"), str) and p})
    rows = await db_directories.by_ids(ctx.db, parent_dir.name, wanted) if wanted else []
    parents = {r["id"]: _entry(parent_dir, r["id"], r["properties"]) for r in rows}
    return [
        DirectoryEntry(e.directory, e.id, e.properties, parents.get(e.properties.get("parent")))
        for e in found
    ]


def _may_write(ctx: RequestContext) -> None:
    principal = ctx.principal
    if not (principal.is_administrator or POWERUSERS in principal.groups):
        raise Forbidden(f"Only {ADMINISTRATORS} and {POWERUSERS} may change directory entries")


def _coerce(directory: Directory, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values checked against the schema: known fields only, integers as
    integers (numeric strings accepted, as Nuxeo reads them)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        spec = directory.field(key)
        if spec is None:
            raise BadRequest(f"Directory {directory.name} has no field {key[:100]!r}")
        if value is None:
            out[key] = None
        elif spec.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise BadRequest(f"Field {key} takes an integer")
            try:
                number = int(value)
            except ValueError:
                raise BadRequest(f"Field {key} takes an integer, not {str(value)[:20]!r}") from None
            if not -(2**31) <= number < 2**31:
                raise BadRequest(f"Field {key} is out of range")
            out[key] = number
        elif isinstance(value, str):
            out[key] = value
        else:
            raise BadRequest(f"Field {key} takes a string")
    return out


def _entry_id(directory: Directory, given: Any) -> str:
    if not isinstance(given, str) or not given.strip():
        raise BadRequest(f"An entry of {directory.name} needs an id ({directory.id_field})")
    if len(given) > MAX_ID_LENGTH or "\x00" in given:
        raise BadRequest(f"An entry id has at most {MAX_ID_LENGTH} characters and no NUL")
    return given


async def create_entry(
    ctx: RequestContext, name: str, values: Mapping[str, Any], id: str | None = None
) -> DirectoryEntry:
    """A new entry (409 if its id is taken)."""
    directory = definition(ctx, name)
    _may_write(ctx)
    properties = _coerce(directory, values)
    entry_id = _entry_id(directory, properties.get(directory.id_field, id))
    properties[directory.id_field] = entry_id
    row = await db_directories.insert(
        ctx.work.db, directory.name, entry_id, _complete(directory, properties)
    )
    if row is None:
        raise Conflict(f"Entry {entry_id} already exists in directory {directory.name}")
    return _entry(directory, entry_id, row["properties"])


async def update_entry(
    ctx: RequestContext, name: str, id: str, values: Mapping[str, Any]
) -> DirectoryEntry:
    """Change the fields given; the id stays."""
    directory = definition(ctx, name)
    _may_write(ctx)
    properties = _coerce(directory, values)
    if properties.get(directory.id_field, id) != id:
        raise BadRequest("An entry's id cannot be changed")
    db = ctx.work.db
    rows = await db_directories.by_ids(db, directory.name, [id])
    if not rows:
        raise NotFound("Entry not found")
    merged = {**_complete(directory, rows[0]["properties"]), **properties}
    row = await db_directories.update(db, directory.name, id, merged)
    if row is None:
        raise NotFound("Entry not found")
    return _entry(directory, id, row["properties"])


async def delete_entry(ctx: RequestContext, name: str, id: str) -> None:
    """Remove an entry; 409 while entries of a child vocabulary name it."""
    directory = definition(ctx, name)
    _may_write(ctx)
    db = ctx.work.db
    children = [d.name for d in ctx.registry.directories.values() if d.parent == directory.name]
    if children and await db_directories.has_children(db, children, id):
        raise Conflict(f"Entry {id} of {directory.name} is the parent of other entries")
    if not await db_directories.delete(db, directory.name, id):
        raise NotFound("Entry not found")


def starting_entries(directory: Directory) -> list[tuple[str, dict[str, Any]]]:
    """The rows of the directory's CSV file, coerced to its schema."""
    if directory.data is None:
        return []
    with directory.data.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source, skipinitialspace=True))
    found = []
    for row in rows:
        values = _coerce(directory, {k.strip(): v for k, v in row.items() if k})
        found.append((values[directory.id_field], _complete(directory, values)))
    return found


async def seed(db: Database, registry: Registry) -> list[str]:
    """Give each directory its starting entries, once; the names seeded now."""
    seeded, done = [], await db_directories.seeded(db)
    for directory in registry.directories.values():
        # Files are read only for directories never filled: not at every start.
        if directory.name in done:
            continue
        if directory.data is not None and await db_directories.seed(
            db, directory.name, starting_entries(directory)
        ):
            seeded.append(directory.name)
    return seeded


def register(registry: Registry) -> None:
    for directory in DEFAULTS:
        registry.add_directory(directory)
