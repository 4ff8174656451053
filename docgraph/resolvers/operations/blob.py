"""Blob operations: attach, read, remove and rename document blobs; import files."""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING, Any

import orjson

from docgraph.errors import BadRequest, NotFound
from docgraph.resolvers import (
    archives,
    blobs,
    bulk,
    bulk_actions,
    conversions,
    documents,
    fetch,
    files,
    renditions,
    templates,
    uploads,
)
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import (
    Blob,
    BlobList,
    Document,
    DocumentList,
    GeneratedFile,
    Page,
    parse_ref,
)
from docgraph.resolvers.operations.execute import OperationCall
from docgraph.resolvers.operations.model import Param, operation
from docgraph.resolvers.uploads import clean_file_name

if TYPE_CHECKING:
    from docgraph.plugins import Registry

_XPATH = Param("xpath", default=blobs.MAIN_BLOB)
# Accepted for compatibility: changes are saved with the request's unit of work.
_SAVE = Param("save", type="boolean", default=True)


async def as_blob(ctx: RequestContext, value: Any) -> Blob:
    """A blob parameter: a batch upload reference (``{"upload-batch", "upload-fileId"}``)."""
    if isinstance(value, Blob):
        return value
    if isinstance(value, dict) and isinstance(value.get("upload-batch"), str):
        return await uploads.blob_of(ctx, value["upload-batch"], str(value.get("upload-fileId", 0)))
    raise TypeError("a blob is given as an upload batch reference")


@operation(
    "Blob.AttachOnDocument",
    aliases=["Blob.Attach"],
    label="Attach File",
    category="Files",
    signature=[("blob", "blob"), ("bloblist", "bloblist")],
    writes=True,
    params=[Param("document", type="document", required=True), _XPATH, _SAVE],
    description="Attach the input blob(s) to the document: set at xpath, or appended "
    "when xpath is a list (files:files).",
)
async def attach(
    call: OperationCall, value: Blob | BlobList, *, document: Document, xpath: str, save: bool
) -> Blob | BlobList:
    attached = list(value) if isinstance(value, BlobList) else [value]
    await files.attach(call.ctx, document, attached, xpath)
    return value


@operation(
    "Document.SetBlob",
    aliases=["Blob.Set"],
    label="Set File",
    category="Files",
    signature=[("document", "document")],
    collector=True,
    writes=True,
    params=[Param("file", type="blob", required=True), _XPATH, _SAVE],
    description="Set the blob at xpath of the input document.",
)
async def set_blob(
    call: OperationCall, doc: Document, *, file: Blob, xpath: str, save: bool
) -> Document:
    return await files.attach(call.ctx, doc, [file], xpath)


@operation(
    "Blob.RemoveFromDocument",
    aliases=["Blob.Remove"],
    label="Remove File",
    category="Files",
    signature=[("document", "document")],
    collector=True,
    writes=True,
    params=[_XPATH, _SAVE],
    description="Remove the blob at xpath (an attachment with its list item).",
)
async def remove(call: OperationCall, doc: Document, *, xpath: str, save: bool) -> Document:
    return await files.remove(call.ctx, doc, xpath)


@operation(
    "Document.SetBlobName",
    aliases=["Blob.SetFilename"],
    label="Set Blob Name",
    category="Files",
    signature=[("document", "document")],
    collector=True,
    writes=True,
    params=[Param("name", required=True), _XPATH, _SAVE],
    description="Rename the blob at xpath.",
)
async def set_blob_name(
    call: OperationCall, doc: Document, *, name: str, xpath: str, save: bool
) -> Document:
    return await files.rename(call.ctx, doc, name, xpath)


@operation(
    "Document.GetBlob",
    aliases=["Blob.Get"],
    label="Get Document File",
    category="Files",
    signature=[("document", "blob"), ("documents", "bloblist")],
    params=[_XPATH],
    description="The blob at xpath of the input document(s).",
)
async def get_blob(
    call: OperationCall, value: Document | DocumentList, *, xpath: str
) -> Blob | BlobList:
    if isinstance(value, Document):
        return blobs.get(call.ctx, value, xpath)
    return BlobList([blobs.get(call.ctx, doc, xpath) for doc in value])


@operation(
    "Document.GetBlobs",
    aliases=["Blob.GetAll"],
    label="Get All Document Files",
    category="Files",
    signature=[("document", "bloblist")],
    description="Every blob of the input document.",
)
async def get_blobs(call: OperationCall, doc: Document) -> BlobList:
    return BlobList(blobs.all_of(call.ctx, doc))


@operation(
    "Document.GetBlobsByProperty",
    aliases=["Blob.GetList"],
    label="Get Document Files",
    category="Files",
    signature=[("document", "bloblist")],
    params=[Param("xpath", default=blobs.ATTACHMENTS)],
    description="The blobs of the list property at xpath.",
)
async def get_blobs_by_property(call: OperationCall, doc: Document, *, xpath: str) -> BlobList:
    prefix = blobs.at_xpath(call.ctx, doc, xpath)[0] + "/"
    return BlobList([b for b in blobs.all_of(call.ctx, doc) if (b.xpath or "").startswith(prefix)])


async def _converted(
    call: OperationCall, value: Document | Blob | BlobList, **choice: Any
) -> Blob | BlobList:
    ctx = call.ctx
    if isinstance(value, BlobList):
        return BlobList([await conversions.convert(ctx, b, **choice) for b in value])
    blob = value if isinstance(value, Blob) else blobs.get(ctx, value, "blobholder:0")
    return await conversions.convert(ctx, blob, **choice)


_CONVERTS = [("document", "blob"), ("blob", "blob"), ("bloblist", "bloblist")]


@operation(
    "Blob.ToPDF",
    label="Convert to PDF",
    category="Conversion",
    signature=_CONVERTS,
    description="The input (a document's main blob, a blob, blobs) as PDF.",
)
async def to_pdf(call: OperationCall, value: Document | Blob | BlobList) -> Blob | BlobList:
    return await _converted(call, value, mime_type="application/pdf")


@operation(
    "Blob.Convert",
    label="Convert",
    category="Conversion",
    signature=_CONVERTS,
    params=[Param("mimeType", required=True, arg="mime_type")],
    description="The input converted to a MIME type.",
)
async def convert(
    call: OperationCall, value: Document | Blob | BlobList, *, mime_type: str
) -> Blob | BlobList:
    return await _converted(call, value, mime_type=mime_type)


@operation(
    "Blob.RunConverter",
    label="Run Converter",
    category="Conversion",
    signature=[("blob", "blob"), ("bloblist", "bloblist")],
    params=[Param("converter", required=True), Param("parameters", type="properties")],
    description="The input converted by the named converter.",
)
async def run_converter(
    call: OperationCall,
    value: Blob | BlobList,
    *,
    converter: str,
    parameters: dict[str, Any] | None,
) -> Blob | BlobList:
    params = {k: str(v) for k, v in (parameters or {}).items()}
    return await _converted(call, value, converter=converter, params=params)


def _pages(data: bytes, start: int, end: int) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        count = len(reader.pages)
        if not 1 <= start <= end or start > count:
            raise BadRequest(f"Pages {start} to {end} are not in a PDF of {count} pages")
        writer = PdfWriter()
        for page in reader.pages[start - 1 : min(end, count)]:
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise BadRequest(f"Not a readable PDF: {exc}") from exc


@operation(
    "PDF.ExtractPages",
    label="PDF: Extract Pages",
    category="Conversion",
    signature=[("document", "blob"), ("blob", "blob")],
    params=[
        Param("startPage", type="integer", required=True, arg="start_page"),
        Param("endPage", type="integer", required=True, arg="end_page"),
        Param("fileName", arg="file_name"),
        Param("xpath", default=blobs.MAIN_BLOB),
        Param("pdfPassword", arg="pdf_password"),
    ],
    description="Pages startPage to endPage (from 1, inclusive) of a PDF.",
)
async def extract_pages(
    call: OperationCall,
    value: Document | Blob,
    *,
    start_page: int,
    end_page: int,
    file_name: str | None,
    xpath: str,
    pdf_password: str | None,
) -> Blob:
    ctx = call.ctx
    source = value if isinstance(value, Blob) else blobs.get(ctx, value, xpath)
    if source.mime_type != "application/pdf":
        raise BadRequest(f"{source.name} is not a PDF")
    data = await conversions.read_all(ctx, source)
    out = await conversions.in_sandbox(_pages, data, start_page, end_page)
    name = file_name or conversions.renamed(source.name, f"{start_page}-{end_page}.pdf")
    return await conversions.store_bytes(ctx, out, name, "application/pdf")


def _zip_of(ctx: RequestContext, found: list[Blob], filename: str | None) -> GeneratedFile:
    names = archives.unique_names(b.name for b in found)
    entries = [archives.Entry(n, blob=b) for n, b in zip(names, found, strict=True)]
    name = clean_file_name(filename or "archive.zip")
    return GeneratedFile(name, "application/zip", archives.zipped(ctx.blobs, entries))


@operation(
    "Blob.CreateZip",
    label="Zip",
    category="Files",
    signature=[("blob", "blob"), ("bloblist", "blob")],
    params=[Param("filename")],
    description="The input blobs in one zip, streamed.",
)
async def create_zip(
    call: OperationCall, value: Blob | BlobList, *, filename: str | None
) -> GeneratedFile:
    found = list(value) if isinstance(value, BlobList) else [value]
    return _zip_of(call.ctx, found, filename)


@operation(
    "Blob.BulkDownload",
    label="Bulk Download",
    category="Files",
    signature=[("documents", "blob")],
    params=[Param("filename")],
    description="The main blobs of the input documents in one zip, streamed.",
)
async def bulk_download(
    call: OperationCall, docs: DocumentList, *, filename: str | None
) -> GeneratedFile:
    ctx = call.ctx
    found = [b for doc in docs if (b := blobs.main(ctx, doc)) is not None]
    return _zip_of(ctx, found, filename)


@operation(
    "Document.GetContainerRendition",
    label="Get Container Rendition",
    category="Conversion",
    signature=[("document", "blob")],
    params=[
        Param("reason"),
        Param("limit", type="integer", default=100),
        Param("maxDepth", type="integer", default=1, arg="max_depth"),
    ],
    description="The main files of the documents in the input folder (maxDepth levels "
    "down, at most limit) in one zip, streamed.",
)
async def container_rendition(
    call: OperationCall, doc: Document, *, reason: str | None, limit: int, max_depth: int
) -> GeneratedFile:
    return await renditions.container_rendition(call.ctx, doc, limit=limit, max_depth=max_depth)


def _concatenated(pdfs: list[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError

    writer = PdfWriter()
    try:
        for data in pdfs:
            for page in PdfReader(io.BytesIO(data)).pages:
                writer.add_page(page)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise BadRequest(f"Not a readable PDF: {exc}") from exc
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@operation(
    "Blob.ConcatenatePDFs",
    label="Concatenate PDFs",
    category="Conversion",
    signature=[("blob", "blob"), ("bloblist", "blob")],
    params=[
        Param("filename", required=True),
        Param("blob_to_append", type="blob", arg="blob_to_append"),
    ],
    description="The input PDFs (and blob_to_append) one after the other.",
)
async def concatenate_pdfs(
    call: OperationCall, value: Blob | BlobList, *, filename: str, blob_to_append: Blob | None
) -> Blob:
    ctx = call.ctx
    found = list(value) if isinstance(value, BlobList) else [value]
    if blob_to_append is not None:
        found.append(blob_to_append)
    if any(b.mime_type != "application/pdf" for b in found):
        raise BadRequest("Every blob to concatenate must be a PDF")
    out = await conversions.in_sandbox(
        _concatenated, [await conversions.read_all(ctx, b) for b in found]
    )
    return await conversions.store_bytes(ctx, out, clean_file_name(filename), "application/pdf")


@operation(
    "Document.GetRendition",
    label="Get Rendition",
    category="Conversion",
    signature=[("document", "blob")],
    params=[Param("renditionName", required=True, arg="rendition_name")],
    description="A rendition of the input document (pdf, thumbnail, xmlExport...).",
)
async def get_rendition(
    call: OperationCall, doc: Document, *, rendition_name: str
) -> Blob | GeneratedFile:
    return await renditions.render(call.ctx, doc, rendition_name)


@operation(
    "Document.Export",
    label="Export",
    category="Document",
    signature=[("document", "blob")],
    params=[
        Param("exportAsTree", type="boolean", default=False, arg="as_tree"),
        Param("exportAsZip", type="boolean", default=False, arg="as_zip"),
    ],
    description="The input document as XML; exportAsZip: in a zip with its files; "
    "exportAsTree: its whole subtree in a zip.",
)
async def export(
    call: OperationCall, doc: Document, *, as_tree: bool, as_zip: bool
) -> Blob | GeneratedFile:
    name = "zipTreeExport" if as_tree else "zipExport" if as_zip else "xmlExport"
    return await renditions.render(call.ctx, doc, name)


@operation(
    "Picture.Resize",
    label="Resize Picture",
    category="Conversion",
    signature=[("document", "blob"), ("blob", "blob")],
    params=[
        Param("maxWidth", type="integer", required=True, arg="max_width"),
        Param("maxHeight", type="integer", required=True, arg="max_height"),
    ],
    description="The picture (a blob, or a document's main blob) fitted in maxWidth x maxHeight.",
)
async def picture_resize(
    call: OperationCall, value: Document | Blob, *, max_width: int, max_height: int
) -> Blob:
    ctx = call.ctx
    source = value if isinstance(value, Blob) else blobs.get(ctx, value, "blobholder:0")
    size = {"maxWidth": str(max_width), "maxHeight": str(max_height)}
    return await conversions.convert(ctx, source, converter="pictureResize", params=size)


@operation(
    "Picture.GetView",
    label="Get Picture View",
    category="Conversion",
    signature=[("document", "blob")],
    params=[Param("viewName", default="Medium", arg="view_name")],
    description="A view of the input Picture: Thumbnail, Small, Medium, FullHD or OriginalJpeg.",
)
async def picture_view(call: OperationCall, doc: Document, *, view_name: str) -> Blob:
    if view_name not in renditions.PICTURE_VIEWS:
        raise NotFound(f"No picture view {view_name[:80]}")
    view = await renditions.render(call.ctx, doc, view_name)
    assert isinstance(view, Blob)  # picture views are converted blobs
    return view


@operation(
    "Picture.Create",
    label="Create Picture",
    category="Services",
    signature=[("document", "document")],
    collector=True,
    writes=True,
    params=[
        Param("name", default="Untitled"),
        Param(
            "properties",
            type="properties",
            description="key=value lines; originalPicture: the picture, as an upload batch "
            'reference ({"upload-batch": ..., "upload-fileId": "0"})',
        ),
        Param(
            "pictureTemplates",
            type="properties",
            arg="picture_templates",
            description="not supported: the views are Thumbnail, Small, Medium, FullHD and "
            "OriginalJpeg",
        ),
    ],
    description="Create a Picture in the input folder from its properties and its picture.",
)
async def picture_create(
    call: OperationCall,
    parent: Document,
    *,
    name: str,
    properties: dict[str, Any] | None,
    picture_templates: dict[str, Any] | None,
) -> Document:
    if picture_templates:
        raise BadRequest(
            "Custom picture views are not supported: the views are "
            f"{', '.join(renditions.PICTURE_VIEWS)}, made on demand"
        )
    values = dict(properties or {})
    original = values.pop("originalPicture", None)
    if original is not None:
        try:
            reference = orjson.loads(original) if isinstance(original, str) else original
        except orjson.JSONDecodeError:
            raise BadRequest("originalPicture must be an upload batch reference") from None
        values[blobs.MAIN_BLOB] = reference
    return await documents.create(
        call.ctx, parent, type_name="Picture", name=name, properties=values, lenient=True
    )


@operation(
    "Picture.RecomputeViews",
    label="Recompute Picture Views",
    category="Conversion",
    signature=[("void", "void")],
    administrators_only=True,
    params=[
        Param(
            "query",
            default="SELECT * FROM Document WHERE ecm:mixinType = 'Picture' AND ecm:isProxy = 0",
        )
    ],
    description="Make the views of the pictures the query finds now, in the background (a "
    f"{bulk_actions.RECOMPUTE_VIEWS} bulk command), rather than on their first reading.",
)
async def picture_recompute_views(call: OperationCall, _input: None, *, query: str) -> None:
    await bulk.submit(call.ctx, bulk_actions.RECOMPUTE_VIEWS, query=query)


@operation(
    "Render.Document",
    label="Render Document",
    category="Conversion",
    signature=[("document", "blob"), ("documents", "blob")],
    params=[
        Param("template", required=True, description="a FreeMarker template (a subset)"),
        Param("type", default="ftl", values=("ftl", "mvel"), arg="language"),
        Param("filename", default="output.ftl"),
        Param("mimetype", default="text/xml", arg="mime_type"),
    ],
    description="The input document (This), or the list, rendered by a template: FreeMarker's "
    "${...}, <#if>, <#list> and built-ins (docs/files.md). MVEL templates are code: refused.",
)
async def render_document(
    call: OperationCall,
    value: Document | DocumentList | Page[Document],
    *,
    template: str,
    language: str,
    filename: str,
    mime_type: str,
) -> Blob:
    if language != "ftl":
        raise BadRequest("Only FreeMarker (ftl) templates are rendered: MVEL templates run code")
    if template.startswith("template:"):
        raise NotFound(f"No template named {template[9:][:80]}: give the template itself")
    docs = [value] if isinstance(value, Document) else list(value)
    if not docs:
        raise BadRequest("Nothing to render: the input list is empty")
    this = value if isinstance(value, Document) else docs
    rendered = await conversions.in_worker(templates.render, call.ctx, template, this, docs[0])
    return await conversions.store_bytes(
        call.ctx, rendered.encode(), clean_file_name(filename), mime_type
    )


@operation(
    "Blob.PostToURL",
    aliases=["Blob.Post"],
    label="HTTP Post",
    category="Files",
    signature=[("blob", "blob"), ("bloblist", "bloblist")],
    administrators_only=True,
    params=[Param("url", required=True)],
    description="POST the input blob's bytes to a URL; the blob passes through. "
    "Administrators only: it makes the server call any address.",
)
async def post_to_url(call: OperationCall, value: Blob | BlobList, *, url: str) -> Blob | BlobList:
    for blob in [value] if isinstance(value, Blob) else value:
        await fetch.post_blob(call.ctx, blob, url)
    return value


@operation(
    "Blob.CreateFromURL",
    aliases=["Blob.Create"],
    label="Blob From URL",
    category="Files",
    signature=[("void", "blob")],
    administrators_only=True,
    params=[
        Param("file", required=True, description="an http or https URL"),
        Param("mime-type", arg="mime_type"),
        Param("filename"),
        Param("encoding"),
    ],
    description="A blob fetched from a URL (administrators only, as in Nuxeo: it makes "
    "the server call any address).",
)
async def create_from_url(
    call: OperationCall,
    _: None,
    *,
    file: str,
    mime_type: str | None,
    filename: str | None,
    encoding: str | None,
) -> Blob:
    ctx = call.ctx
    return await fetch.fetch_url(
        ctx, file, name=filename, mime_type=mime_type, encoding=encoding or None
    )


@operation(
    "FileManager.Import",
    label="Create Document from File",
    category="Services",
    signature=[("blob", "document"), ("bloblist", "documents")],
    writes=True,
    params=[
        Param(
            "overwite",
            type="boolean",
            default=False,
            arg="overwrite",
            description="update the folder's document holding a file of that name (Nuxeo's "
            "spelling)",
        ),
        Param("noMimeTypeCheck", type="boolean", default=False, arg="no_mime_type_check"),
    ],
    description="A document made from each input blob (a Note of text, a Picture of an "
    "image, else a File) in the folder given by the context variable currentDocument.",
)
async def import_file(
    call: OperationCall,
    value: Blob | BlobList,
    *,
    overwrite: bool,
    no_mime_type_check: bool,
) -> Document | DocumentList:
    return await _import(call, value, overwrite, not no_mime_type_check, None)


@operation(
    "FileManager.ImportWithProperties",
    label="Create Document from File with properties",
    category="Services",
    signature=[("blob", "document"), ("bloblist", "documents")],
    writes=True,
    params=[
        Param("properties", type="properties", required=True),
        Param("overwrite", type="boolean", default=False),
        Param("mimeTypeCheck", type="boolean", default=True, arg="mime_type_check"),
    ],
    description="FileManager.Import, then the properties set on each document made.",
)
async def import_file_with_properties(
    call: OperationCall,
    value: Blob | BlobList,
    *,
    properties: dict[str, Any],
    overwrite: bool,
    mime_type_check: bool,
) -> Document | DocumentList:
    return await _import(call, value, overwrite, mime_type_check, properties)


async def _import(
    call: OperationCall,
    value: Blob | BlobList,
    overwrite: bool,
    check_mime_type: bool,
    properties: dict[str, Any] | None,
) -> Document | DocumentList:
    target = call.vars.get("currentDocument")
    if not isinstance(target, str) or not target:
        raise BadRequest("FileManager imports need the context variable currentDocument")
    folder = await documents.get(call.ctx, parse_ref(target))
    imported = [
        await files.import_file(
            call.ctx,
            folder,
            blob,
            overwrite=overwrite,
            check_mime_type=check_mime_type,
            properties=properties,
            lenient=True,
        )
        for blob in ([value] if isinstance(value, Blob) else value)
    ]
    return imported[0] if isinstance(value, Blob) else DocumentList(imported)


def register(registry: Registry) -> None:
    registry.add_param_type("blob", as_blob)
    registry.add_input_type("blob", Blob)
    registry.add_input_type("bloblist", BlobList)
    registry.add_operations(sys.modules[__name__])
