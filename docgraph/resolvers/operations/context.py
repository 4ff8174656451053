"""Context operations: variables, a document stack, and operations that run
other operations, as chains use them; plus the small document helpers chains
lean on (reload, filter, remove a property, make a folder).

Variables live in the call's ``vars`` (the request's ``context`` object and
what operations set), shared by every step of a chain. Operations that only
touch variables pass their input through, so that they fit anywhere in one.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, NotFound
from docgraph.resolvers import documents
from docgraph.resolvers.model import Blob, BlobList, Document, DocumentList, Page, parse_ref
from docgraph.resolvers.operations.execute import OperationCall, resolve_input, run_nested
from docgraph.resolvers.operations.model import Param, operation

if TYPE_CHECKING:
    from docgraph.plugins import Registry

# Every input a pass-through operation takes, each given back as it came.
_THROUGH = [
    ("void", "void"),
    ("document", "document"),
    ("documents", "documents"),
    ("blob", "blob"),
    ("bloblist", "bloblist"),
]
_STACK = "__documentStack"
_NAME = Param("name", required=True)


@operation(
    "Context.SetVar",
    label="Set Context Variable",
    category="Execution Context",
    signature=_THROUGH,
    params=[_NAME, Param("value", type="object")],
    description="Set a context variable; the input passes through.",
)
async def set_var(call: OperationCall, value_in: Any, *, name: str, value: Any) -> Any:
    call.vars[name] = value
    return value_in


@operation(
    "Context.SetInputAsVar",
    label="Set Input As Variable",
    category="Execution Context",
    signature=_THROUGH,
    params=[_NAME],
    description="Keep the input in a context variable; the input passes through.",
)
async def set_input_as_var(call: OperationCall, value: Any, *, name: str) -> Any:
    call.vars[name] = value
    return value


async def _restored(call: OperationCall, name: str, kinds: tuple[type, ...], what: str) -> Any:
    if name not in call.vars:
        raise BadRequest(f"No context variable {name}")
    value = call.vars[name]
    if isinstance(value, str | list):  # a reference set by the client's context
        value = await resolve_input(call.ctx, parse_ref(value) if isinstance(value, str) else value)
    if not isinstance(value, kinds):
        raise BadRequest(f"Context variable {name} does not hold {what}")
    return value


@operation(
    "Context.RestoreDocumentInput",
    label="Restore Document Input",
    category="Execution Context",
    signature=[("void", "document"), ("document", "document"), ("documents", "document")],
    params=[_NAME],
    description="The document kept in a context variable becomes the input.",
)
async def restore_document(call: OperationCall, _: Any, *, name: str) -> Document:
    found: Document = await _restored(call, name, (Document,), "a document")
    return found


@operation(
    "Context.RestoreDocumentsInput",
    label="Restore Documents Input",
    category="Execution Context",
    signature=[("void", "documents"), ("document", "documents"), ("documents", "documents")],
    params=[_NAME],
    description="The documents kept in a context variable become the input.",
)
async def restore_documents(call: OperationCall, _: Any, *, name: str) -> DocumentList:
    found = await _restored(call, name, (DocumentList, Page, Document), "documents")
    return DocumentList([found]) if isinstance(found, Document) else DocumentList(list(found))


@operation(
    "Context.RestoreBlobInput",
    label="Restore Blob Input",
    category="Execution Context",
    signature=[("void", "blob"), ("document", "blob"), ("blob", "blob")],
    params=[_NAME],
    description="The blob kept in a context variable becomes the input.",
)
async def restore_blob(call: OperationCall, _: Any, *, name: str) -> Blob:
    found: Blob = await _restored(call, name, (Blob,), "a blob")
    return found


@operation(
    "Context.RestoreBlobsInput",
    label="Restore Blobs Input",
    category="Execution Context",
    signature=[("void", "bloblist"), ("document", "bloblist"), ("bloblist", "bloblist")],
    params=[_NAME],
    description="The blobs kept in a context variable become the input.",
)
async def restore_blobs(call: OperationCall, _: Any, *, name: str) -> BlobList:
    found = await _restored(call, name, (BlobList, Blob), "blobs")
    return BlobList([found]) if isinstance(found, Blob) else found


@operation(
    "Context.PushDocument",
    aliases=["Document.Push"],
    label="Push Document",
    category="Push & Pop",
    signature=[("document", "document")],
    collector=True,
    description="Push the input onto the context's document stack; it passes through.",
)
async def push_document(call: OperationCall, doc: Document) -> Document:
    call.vars.setdefault(_STACK, []).append(doc)
    return doc


def _stack(call: OperationCall) -> list[Document]:
    stack: list[Document] = call.vars.get(_STACK) or []
    if not stack:
        raise BadRequest("The context's document stack is empty")
    return stack


@operation(
    "Context.PopDocument",
    aliases=["Document.Pop"],
    label="Pop Document",
    category="Push & Pop",
    signature=[("void", "document")],
    description="The document last pushed, taken off the stack, becomes the input.",
)
async def pop_document(call: OperationCall, _: None) -> Document:
    return _stack(call).pop()


@operation(
    "Context.PullDocument",
    aliases=["Document.Pull"],
    label="Pull Document",
    category="Push & Pop",
    signature=[("void", "document")],
    description="The document first pushed, taken off the stack, becomes the input.",
)
async def pull_document(call: OperationCall, _: None) -> Document:
    return _stack(call).pop(0)


@operation(
    "Context.FetchDocument",
    label="Fetch From Context",
    category="Fetch",
    signature=[("document", "document")],
    collector=True,
    description="The input document, as it is.",
)
async def fetch_document(call: OperationCall, doc: Document) -> Document:
    return doc


@operation(
    "RunOperation",
    aliases=["Context.RunOperation"],
    label="Run Chain",
    category="Execution Flow",
    signature=[("void", "void")],
    params=[
        Param("id", required=True, arg="op_id"),
        Param("isolate", type="boolean", default=False),
        Param("parameters", type="properties"),
    ],
    description="Run an operation or chain with no input, sharing the context variables "
    "(a copy of them with isolate).",
)
async def run_operation(
    call: OperationCall,
    _: None,
    *,
    op_id: str,
    isolate: bool,
    parameters: dict[str, Any] | None,
) -> None:
    await run_nested(call, op_id, None, parameters or {}, isolate=isolate)


@operation(
    "RunDocumentOperation",
    aliases=["Context.RunDocumentOperation"],
    label="Run Document Chain",
    category="Execution Flow",
    signature=[("document", "document"), ("documents", "documents")],
    params=[
        Param("id", required=True, arg="op_id"),
        Param("isolate", type="boolean", default=False),
        Param("parameters", type="properties"),
    ],
    description="Run an operation or chain on each input document; the input passes through.",
)
async def run_document_operation(
    call: OperationCall,
    value: Document | DocumentList,
    *,
    op_id: str,
    isolate: bool,
    parameters: dict[str, Any] | None,
) -> Document | DocumentList:
    for doc in [value] if isinstance(value, Document) else list(value):
        await run_nested(call, op_id, doc, parameters or {}, isolate=isolate)
    return value


@operation(
    "Document.Reload",
    label="Reload",
    category="Document",
    signature=[("document", "document")],
    collector=True,
    description="The input document as it is stored now.",
)
async def reload(call: OperationCall, doc: Document) -> Document:
    [fresh] = await documents.reload(call.ctx, [doc.id])
    return fresh


_CLASSES = {
    "Any": lambda d: True,
    "Regular Document": lambda d: not d.is_version and not d.is_proxy,
    "Document Link": lambda d: d.is_proxy,
    "Published Document": lambda d: d.is_proxy,
    "Document Proxy": lambda d: d.is_proxy,
    "Document Version": lambda d: d.is_version,
    "Immutable Document": lambda d: d.is_version or d.is_proxy,
    "Mutable Document": lambda d: not d.is_version and not d.is_proxy,
}


@operation(
    "Document.Filter",
    label="Filter List",
    category="Document",
    signature=[("documents", "documents"), ("document", "documents")],
    params=[
        Param("types", type="stringlist"),
        Param("facet"),
        Param("lifecycle"),
        Param("pathStartsWith", arg="path_starts_with"),
        Param("class", arg="kind", values=tuple(_CLASSES)),
    ],
    description="The input documents that have one of the types, the facet, the "
    "lifecycle state, the path prefix and the class given.",
)
async def filter_documents(
    call: OperationCall,
    value: Document | DocumentList,
    *,
    types: list[str] | None,
    facet: str | None,
    lifecycle: str | None,
    path_starts_with: str | None,
    kind: str | None,
) -> DocumentList:
    if kind is not None and kind not in _CLASSES:
        raise BadRequest(f"Unknown document class: {kind}")
    ctx = call.ctx
    keep = []
    for doc in [value] if isinstance(value, Document) else list(value):
        if types and doc.type not in types:
            continue
        if facet and facet not in documents.facets(ctx, doc):
            continue
        if lifecycle and doc.state_name != lifecycle:
            continue
        if path_starts_with and not (doc.path or "").startswith(path_starts_with):
            continue
        if kind is not None and not _CLASSES[kind](doc):
            continue
        keep.append(doc)
    return DocumentList(keep)


@operation(
    "Document.RemoveProperty",
    label="Remove Property",
    category="Document",
    signature=[("document", "document")],
    collector=True,
    writes=True,
    params=[Param("xpath", required=True), Param("save", type="boolean", default=True)],
    description="Clear a property of the input document.",
)
async def remove_property(
    call: OperationCall, doc: Document, *, xpath: str, save: bool
) -> Document:
    return await documents.update(call.ctx, doc, {xpath: None})


@operation(
    "FileManager.CreateFolder",
    label="Create Folder",
    category="Services",
    signature=[("document", "document")],
    writes=True,
    params=[
        Param("title", required=True),
        Param("overwrite", type="boolean", default=False),
        Param("properties", type="properties"),
    ],
    description="A Folder titled as given in the input folder; with overwrite, an "
    "existing child of that name is returned instead.",
)
async def create_folder(
    call: OperationCall,
    parent: Document,
    *,
    title: str,
    overwrite: bool,
    properties: dict[str, Any] | None,
) -> Document:
    ctx = call.ctx
    if overwrite:
        try:
            return await documents.get_child(ctx, parent, documents.path_segment(title))
        except NotFound:
            pass
    return await documents.create(
        ctx,
        parent,
        type_name="Folder",
        name=title,
        properties={"dc:title": title, **(properties or {})},
        lenient=True,
    )


def register(registry: Registry) -> None:
    registry.add_operations(sys.modules[__name__])
