"""Renditions: other forms of a document (its PDF, a thumbnail, XML and zip
exports), served by ``@rendition/{name}`` and listed by the ``renditions``
enricher. Converted renditions are cached by their source's content (see
``conversions``); exports are made as they stream out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

from docgraph.errors import BadRequest, NotFound
from docgraph.plugins import Enricher, Rendition
from docgraph.resolvers import blobs, conversions, documents, permissions
from docgraph.resolvers.archives import Entry, unique_names, zipped
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, Document, GeneratedFile, PageRequest
from docgraph.resolvers.typesystem.model import FieldType

if TYPE_CHECKING:
    from docgraph.plugins import Registry

# A tree export stops past this many documents (ask for less, or page).
MAX_TREE_DOCUMENTS = 10_000
_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'


def applies(ctx: RequestContext, rendition: Rendition, doc: Document) -> bool:
    if rendition.types and doc.type not in rendition.types:
        return False
    return rendition.available is None or rendition.available(ctx, doc)


def listed(ctx: RequestContext, doc: Document) -> list[Rendition]:
    return [r for r in ctx.registry.renditions.values() if not r.hidden and applies(ctx, r, doc)]


async def render(ctx: RequestContext, doc: Document, name: str) -> Blob | GeneratedFile:
    rendition = ctx.registry.renditions.get(name)
    if rendition is None or not applies(ctx, rendition, doc):
        raise NotFound(f"No rendition '{name}' was found")
    result: Blob | GeneratedFile = await rendition.func(ctx, doc)
    return result


def rendition_json(ctx: RequestContext, doc: Document, rendition: Rendition) -> dict[str, Any]:
    return {
        "name": rendition.name,
        "kind": rendition.kind,
        "icon": f"/icons/{rendition.kind or 'file'}.png",
        "url": f"{ctx.base_url}api/v1/repo/{doc.repository}/id/{doc.uid}/@rendition/"
        f"{rendition.name}",
    }


async def renditions_enricher(ctx: RequestContext, docs: Sequence[Document]) -> list[Any]:
    return [[rendition_json(ctx, d, r) for r in listed(ctx, d)] for d in docs]


# -- the default renditions --------------------------------------------------


def has_blob(ctx: RequestContext, doc: Document) -> bool:
    return blobs.main(ctx, doc) is not None


def is_folder(ctx: RequestContext, doc: Document) -> bool:
    return ctx.registry.types.of(doc.type).has_facet("Folderish")


async def pdf(ctx: RequestContext, doc: Document) -> Blob:
    main = blobs.main(ctx, doc)
    if main is None:
        raise NotFound("No rendition 'pdf' was found")
    return await conversions.convert(ctx, main, mime_type="application/pdf")


async def thumbnail(ctx: RequestContext, doc: Document) -> Blob:
    """The main blob's thumbnail; a document without one gets a card with its
    title and type."""
    main = blobs.main(ctx, doc)
    if main is None:
        card = f"{doc.title}\n{doc.type}".encode()
        main = await conversions.store_bytes(ctx, card, f"{doc.name}.txt", "text/plain")
    return await conversions.convert(ctx, main, converter="anyToThumbnail")


async def main_blob(ctx: RequestContext, doc: Document) -> Blob:
    main = blobs.main(ctx, doc)
    if main is None:
        raise NotFound("No rendition 'mainBlob' was found")
    return main


def _element_value(parent: ElementTree.Element, ftype: FieldType, value: Any) -> None:
    if value is None:
        return
    if ftype.is_list:
        for item in value:
            _element_value(ElementTree.SubElement(parent, "item"), ftype.item, item)
    elif ftype.kind == "blob":
        for name, key in (
            ("encoding", "encoding"),
            ("mime-type", "mime-type"),
            ("filename", "name"),
            ("digest", "digest"),
        ):
            ElementTree.SubElement(parent, name).text = str(value.get(key) or "")
        ElementTree.SubElement(parent, "data").text = _entry_name(value)
    elif ftype.kind == "complex":
        for name, sub in (ftype.fields or {}).items():
            _element_value(ElementTree.SubElement(parent, name), sub, value.get(name))
    else:
        parent.text = str(value).lower() if isinstance(value, bool) else str(value)


def _entry_name(stored: Any) -> str:
    """A blob's file in a zip export: by digest, so that names never clash."""
    return f"{stored.get('digest') or stored.get('sha256')}.blob"


def document_xml(ctx: RequestContext, doc: Document) -> bytes:
    """The document as Nuxeo's XML export writes it (system part, then one
    element per schema)."""
    doctype = ctx.registry.types.with_facets(doc.type, doc.mixins)
    root = ElementTree.Element("document", repository=doc.repository, id=doc.uid)
    system = ElementTree.SubElement(root, "system")
    ElementTree.SubElement(system, "type").text = doc.type
    ElementTree.SubElement(system, "path").text = (doc.path or "").lstrip("/")
    ElementTree.SubElement(system, "lifecycle-state").text = doc.state_name or ""
    ElementTree.SubElement(system, "lifecycle-policy").text = doctype.lifecycle or ""
    for facet in documents.facets(ctx, doc):
        ElementTree.SubElement(system, "facet").text = facet
    for schema in doctype.schemas:
        element = ElementTree.SubElement(root, "schema", name=schema.name)
        for key, ftype in schema.keyed:
            # Element names are the field names: prefixes would need namespaces.
            field = ElementTree.SubElement(element, key.split(":", 1)[1])
            _element_value(field, ftype, doc.properties.get(key))
    return _XML.encode() + ElementTree.tostring(root, encoding="utf-8")


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def xml_export(ctx: RequestContext, doc: Document) -> GeneratedFile:
    return GeneratedFile(f"{doc.name}.xml", "text/xml", _once(document_xml(ctx, doc)))


def _export_entries(ctx: RequestContext, tree: Iterable[tuple[str, Document]]) -> Iterator[Entry]:
    """Each document's XML, then its blobs, in the folder each goes in."""
    for folder, doc in tree:
        yield Entry(f"{folder}document.xml", data=document_xml(ctx, doc))
        for blob in blobs.all_of(ctx, doc):
            yield Entry(f"{folder}{_entry_name(blob.stored())}", blob=blob)


def _zip(ctx: RequestContext, tree: Iterable[tuple[str, Document]]) -> AsyncIterator[bytes]:
    return zipped(ctx.blobs, _export_entries(ctx, tree))


async def zip_export(ctx: RequestContext, doc: Document) -> GeneratedFile:
    return GeneratedFile(f"{doc.name}.zip", "application/zip", _zip(ctx, [("", doc)]))


async def _tree(ctx: RequestContext, root: Document) -> list[tuple[str, Document]]:
    """The documents under ``root`` the user may see, depth first, with the
    folder each goes in."""
    found: list[tuple[str, Document]] = []
    stack = [(f"{root.name}/", root)]
    while stack:
        folder, doc = stack.pop()
        found.append((folder, doc))
        if len(found) > MAX_TREE_DOCUMENTS:
            raise NotFound(f"The tree has more than {MAX_TREE_DOCUMENTS} documents to export")
        if not is_folder(ctx, doc) or not permissions.can_read(ctx.principal, doc):
            continue
        stack.extend([(f"{folder}{child.name}/", child) async for child in _children(ctx, doc)])
    return found


async def zip_tree_export(ctx: RequestContext, doc: Document) -> GeneratedFile:
    tree = await _tree(ctx, doc)
    return GeneratedFile(f"{doc.name}.zip", "application/zip", _zip(ctx, tree))


# Documents a container rendition holds at most, whatever its limit asks.
MAX_CONTAINER_RENDITION = 1000


async def _children(ctx: RequestContext, parent: Document) -> AsyncIterator[Document]:
    """Every child one may see, page after page."""
    index = 0
    while True:
        page = await documents.children(ctx, parent, PageRequest(page_index=index, page_size=0))
        for child in page.entries:
            yield child
        if not page.is_next_page_available:
            return
        index += 1


async def container_rendition(
    ctx: RequestContext, folder: Document, *, limit: int = 100, max_depth: int = 1
) -> GeneratedFile:
    """A folder's content as one zip (Nuxeo's container rendition): the main
    file of each document below it one may read, ``max_depth`` levels down,
    at most ``limit`` files, each under its folder's path."""
    if not is_folder(ctx, folder):
        raise BadRequest(f"Document {folder.uid} is not a folder: it has no container rendition")
    if limit < 1 or max_depth < 1:
        raise BadRequest("limit and maxDepth are at least 1")
    limit = min(limit, MAX_CONTAINER_RENDITION)
    permissions.check_read(ctx, folder)
    found: list[tuple[str, Blob]] = []
    level = [("", folder)]
    for _ in range(max_depth):
        below: list[tuple[str, Document]] = []
        for prefix, parent in level:
            async for child in _children(ctx, parent):
                if len(found) >= limit:
                    break
                if (main := blobs.main(ctx, child)) is not None:
                    found.append((prefix, main))
                if is_folder(ctx, child):
                    below.append((f"{prefix}{child.name}/", child))
        level = below
        if not level or len(found) >= limit:
            break
    names = unique_names(f"{prefix}{blob.name}" for prefix, blob in found)
    entries = [Entry(n, blob=b) for n, (_, b) in zip(names, found, strict=True)]
    return GeneratedFile(f"{folder.name}.zip", "application/zip", zipped(ctx.blobs, entries))


# A Picture's views: the longest side fitted in so many pixels (pictures are
# never enlarged, so OriginalJpeg keeps the original size).
PICTURE_VIEWS = {
    "Thumbnail": 100,
    "Small": 280,
    "Medium": 1200,
    "FullHD": 1920,
    "OriginalJpeg": 10000,
}


def _picture_view(size: int) -> Any:
    async def view(ctx: RequestContext, doc: Document) -> Blob:
        main = blobs.main(ctx, doc)
        if main is None:
            raise NotFound("This picture has no file")
        fitted = {"maxWidth": str(size), "maxHeight": str(size)}
        return await conversions.convert(ctx, main, converter="pictureResize", params=fitted)

    return view


async def thumbnail_enricher(ctx: RequestContext, docs: Sequence[Document]) -> list[Any]:
    """Where each document's thumbnail is (every document has one: a card
    stands in for a missing picture)."""
    return [
        {
            "url": f"{ctx.base_url}api/v1/repo/{d.repository}/id/{d.uid}/@rendition/thumbnail"
            f"?changeToken={d.change_token}"
        }
        for d in docs
    ]


def register(registry: Registry) -> None:
    for name, size in PICTURE_VIEWS.items():
        registry.add_rendition(
            Rendition(
                name, _picture_view(size), kind="picture", types=("Picture",), available=has_blob
            )
        )
    for rendition in (
        Rendition("pdf", pdf, kind="pdf", available=has_blob),
        Rendition("thumbnail", thumbnail, kind="thumbnail"),
        Rendition("xmlExport", xml_export, kind="xml"),
        Rendition(
            "zipExport", zip_export, kind="zip", available=lambda ctx, d: not is_folder(ctx, d)
        ),
        Rendition("zipTreeExport", zip_tree_export, kind="zip", available=is_folder),
        Rendition("mainBlob", main_blob, kind="file", available=has_blob, hidden=True),
    ):
        registry.add_rendition(rendition)
    registry.add_enricher(Enricher("document", "renditions", renditions_enricher))
    registry.add_enricher(Enricher("document", "thumbnail", thumbnail_enricher))
