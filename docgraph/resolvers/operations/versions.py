"""Versioning operations: check in and out, create, list, restore."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from docgraph.resolvers import versions
from docgraph.resolvers.model import Document, DocumentList
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_ONE_DOC = [("document", "document")]
_CATEGORY = "Versioning"


@operation(
    "Document.CheckIn",
    label="Check In",
    category=_CATEGORY,
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("version", required=True, values=("major", "minor"), description="major or minor"),
        Param("comment"),
        Param("versionVarName", arg="version_var", description="a variable for the version's id"),
    ],
    description="Check in the input document as a new version; returns the live document.",
)
async def check_in(
    call: OperationCall,
    doc: Document,
    *,
    version: str,
    comment: str | None,
    version_var: str | None,
) -> Document:
    increment = versions.parse_option(version)
    live, created = await versions.check_in(
        call.ctx, doc, increment or versions.MINOR, comment=comment
    )
    if version_var:
        call.vars[version_var] = created.uid
    return live


@operation(
    "Document.CheckOut",
    label="Check Out",
    category=_CATEGORY,
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    description="Check out the input document, to edit it after a check-in.",
)
async def check_out(call: OperationCall, doc: Document) -> Document:
    return await versions.check_out(call.ctx, doc)


@operation(
    "Document.CreateVersion",
    label="Snapshot Version",
    category=_CATEGORY,
    signature=_ONE_DOC,
    collector=True,
    writes=True,
    params=[
        Param("increment", default="None", values=("None", "Minor", "Major")),
        Param("saveDocument", type="boolean", default=True, arg="save"),
    ],
    description="Create a version of the input document (None: none); returns the document.",
)
async def create_version(
    call: OperationCall, doc: Document, *, increment: str, save: bool
) -> Document:
    option = versions.parse_option(increment)
    if option in (versions.MAJOR, versions.MINOR):
        doc, _ = await versions.check_in(call.ctx, doc, option)
    else:
        versions.require_versionable(call.ctx, doc)
    return doc


@operation(
    "Document.GetVersions",
    label="Get Versions",
    category=_CATEGORY,
    signature=[("document", "documents")],
    description="The versions of the input document, oldest first.",
)
async def get_versions(call: OperationCall, doc: Document) -> DocumentList:
    return DocumentList(await versions.series(call.ctx, doc))


@operation(
    "Document.GetLastVersion",
    label="Get Last Version",
    category=_CATEGORY,
    signature=_ONE_DOC,
    collector=True,
    description="The last version of the input document (nothing if it has none).",
)
async def get_last_version(call: OperationCall, doc: Document) -> Document | None:
    return await versions.last_version(call.ctx, doc)


@operation(
    "Document.RestoreVersion",
    label="Restore Version",
    category=_CATEGORY,
    signature=_ONE_DOC,
    writes=True,
    params=[
        Param("createVersion", type="boolean", default=False, arg="create_version"),
        Param("checkout", type="boolean", default=False),
    ],
    description="The live document of the input version takes its content; returns it.",
)
async def restore_version(
    call: OperationCall, version: Document, *, create_version: bool, checkout: bool
) -> Document:
    return await versions.restore(
        call.ctx, version, create_version=create_version, checkout=checkout
    )


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
