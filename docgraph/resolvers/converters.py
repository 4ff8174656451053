"""docgraph's own converters, under Nuxeo's names.

Text, HTML and Markdown become PDF with fpdf2 (pure Python, no native
library to install, and it lays out simple HTML itself); PDF text comes out
with pypdf; images go through Pillow; office files through LibreOffice
(``soffice --headless``) when it is installed, else those converters say
they are not available. Thumbnails of text show the text's first lines.
"""

from __future__ import annotations

import asyncio
import fnmatch
import html
import io
import shutil
import tempfile
from collections.abc import Mapping
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgraph.errors import BadRequest, ConverterUnavailable
from docgraph.plugins import Converter
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.conversions import from_bytes, read_all, renamed, store_bytes
from docgraph.resolvers.model import Blob

if TYPE_CHECKING:
    from docgraph.plugins import Registry

TEXT = ("text/plain", "text/csv", "text/xml", "application/json", "application/xml")
HTML = ("text/html", "application/xhtml+xml")
MARKDOWN = ("text/markdown", "text/x-markdown", "text/x-web-markdown")
PDF = ("application/pdf",)
IMAGES = ("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff", "image/webp")
OFFICE = (
    "application/msword",
    "application/vnd.openxmlformats-officedocument.*",
    "application/vnd.ms-*",
    "application/vnd.oasis.opendocument.*",
    "application/rtf",
)
THUMBNAIL_SIZE = (350, 350)
# Fonts that cover more than Latin-1, where the system has them.
_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
SOFFICE_TIMEOUT = 120.0


def _text(data: bytes, blob: Blob) -> str:
    return data.decode(blob.encoding or "utf-8", errors="replace")


class _TextOf(HTMLParser):
    """The readable text of an HTML page (scripts and styles left out)."""

    _SKIPPED = frozenset({"script", "style", "head", "title"})
    _BREAKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._SKIPPED:
            self._skipping += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_text(page: str) -> str:
    parser = _TextOf()
    parser.feed(page)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise BadRequest(f"Not a readable PDF: {exc}") from exc


def markdown_html(text: str) -> str:
    import markdown

    return markdown.markdown(text, extensions=["tables", "fenced_code"])


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>\n"
    )


def as_text(data: bytes, blob: Blob) -> str:
    """The text of any source docgraph reads itself."""
    mime = blob.mime_type
    if mime in PDF:
        return pdf_text(data)
    if mime in HTML:
        return html_text(_text(data, blob))
    return _text(data, blob)


def as_html(data: bytes, blob: Blob) -> str:
    mime = blob.mime_type
    if mime in HTML:
        return _text(data, blob)
    if mime in MARKDOWN:
        return page(blob.name, markdown_html(_text(data, blob)))
    return page(blob.name, f"<pre>{html.escape(as_text(data, blob))}</pre>")


def _pdf_of_html(content: str, title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    font = next((f for f in _FONTS if Path(f).exists()), None)
    pdf.add_page()
    if font is not None:
        pdf.add_font("body", fname=font)
        pdf.set_font("body", size=11)
    else:  # the core fonts only know Latin-1
        pdf.set_font("helvetica", size=11)
        content = content.encode("latin-1", "replace").decode("latin-1")
    pdf.write_html(content)
    return bytes(pdf.output())


def to_pdf(data: bytes, blob: Blob, params: Mapping[str, str]) -> tuple[bytes, str, str]:
    name = renamed(blob.name, "pdf")
    if blob.mime_type in PDF:
        return data, "application/pdf", name
    if blob.mime_type.startswith("image/"):
        return _image_pdf(data), "application/pdf", name
    if blob.mime_type in HTML or blob.mime_type in MARKDOWN:
        body = as_html(data, blob)
    else:
        body = f"<pre>{html.escape(as_text(data, blob))}</pre>"
    return _pdf_of_html(body, blob.name), "application/pdf", name


def _image(data: bytes) -> Any:
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise BadRequest(f"Not a readable image: {exc}") from exc
    return image


def _image_pdf(data: bytes) -> bytes:
    out = io.BytesIO()
    _image(data).convert("RGB").save(out, "PDF")
    return out.getvalue()


def _jpeg(image: Any) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def _text_card(text: str) -> Any:
    """A page-like image showing the first lines of a text."""
    from PIL import Image, ImageDraw

    card = Image.new("RGB", THUMBNAIL_SIZE, "white")
    draw = ImageDraw.Draw(card)
    y = 10
    for line in text.splitlines()[:25]:
        draw.text((10, y), line[:60], fill="black")
        y += 13
    return card


def thumbnail(data: bytes, blob: Blob, params: Mapping[str, str]) -> tuple[bytes, str, str]:
    if blob.mime_type.startswith("image/"):
        image = _image(data)
        image.thumbnail(THUMBNAIL_SIZE)
    elif blob.mime_type in (*TEXT, *HTML, *MARKDOWN, *PDF) or blob.mime_type.startswith("text/"):
        image = _text_card(as_text(data, blob))
    else:
        image = _text_card(f"{blob.name}\n{blob.mime_type}")
    return _jpeg(image), "image/jpeg", renamed(blob.name, "jpg")


def _dimension(params: Mapping[str, str], *names: str) -> int | None:
    for name in names:
        raw = params.get(name)
        if raw:
            if not raw.isdigit() or not 0 < int(raw) <= 10_000:
                raise BadRequest(f"{name} must be a number of pixels up to 10000")
            return int(raw)
    return None


def resize(data: bytes, blob: Blob, params: Mapping[str, str]) -> tuple[bytes, str, str]:
    width = _dimension(params, "width", "maxWidth") or THUMBNAIL_SIZE[0]
    height = _dimension(params, "height", "maxHeight") or width
    image = _image(data)
    image.thumbnail((width, height))
    return _jpeg(image), "image/jpeg", renamed(blob.name, "jpg")


def to_text(data: bytes, blob: Blob, params: Mapping[str, str]) -> tuple[bytes, str, str]:
    return as_text(data, blob).encode(), "text/plain", renamed(blob.name, "txt")


def to_html(data: bytes, blob: Blob, params: Mapping[str, str]) -> tuple[bytes, str, str]:
    return as_html(data, blob).encode(), "text/html", renamed(blob.name, "html")


async def identity(ctx: RequestContext, blob: Blob, params: Mapping[str, str]) -> Blob:
    return blob


def _office(target: str, mime_type: str, fallback: Any = None) -> Any:
    """A converter through LibreOffice; sources docgraph reads itself (text,
    HTML, Markdown) take ``fallback`` and need no office suite."""

    async def func(ctx: RequestContext, blob: Blob, params: Mapping[str, str]) -> Blob:
        if fallback is not None and not any(fnmatch.fnmatch(blob.mime_type, p) for p in OFFICE):
            return await fallback(ctx, blob, params)
        data = await read_all(ctx, blob)
        out = await soffice_convert(data, blob.name, target)
        return await store_bytes(ctx, out, renamed(blob.name, target), mime_type)

    return func


async def soffice_convert(data: bytes, name: str, target: str) -> bytes:
    """``data`` converted by LibreOffice to the ``target`` format (pdf, html, txt)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ConverterUnavailable(f"Converter to {target} (LibreOffice) is not available")
    with tempfile.TemporaryDirectory(prefix="docgraph-soffice-") as work:
        source = Path(work) / ("source." + (name.rsplit(".", 1)[-1] if "." in name else "bin"))
        source.write_bytes(data)
        process = await asyncio.create_subprocess_exec(
            soffice,
            f"-env:UserInstallation=file://{work}/profile",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            work,
            str(source),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            async with asyncio.timeout(SOFFICE_TIMEOUT):
                await process.wait()
        except TimeoutError:
            process.kill()
            raise ConverterUnavailable(
                "LibreOffice did not answer: the converter is not available"
            ) from None
        result = Path(work) / f"source.{target}"
        if not result.exists():
            raise BadRequest(f"LibreOffice could not convert {name}")
        return result.read_bytes()


def register(registry: Registry) -> None:
    readable = (*TEXT, "text/*", *HTML, *MARKDOWN, *PDF)
    pdf_sources = (*readable, *IMAGES)
    any2html = from_bytes(to_html)
    any2pdf = from_bytes(to_pdf)
    for converter in (
        Converter("identity", ("*/*",), "*/*", identity),
        Converter("any2text", readable, "text/plain", from_bytes(to_text)),
        Converter("html2text", HTML, "text/plain", from_bytes(to_text)),
        Converter("pdf2text", PDF, "text/plain", from_bytes(to_text)),
        Converter("any2html", readable, "text/html", any2html),
        Converter("md2html", MARKDOWN, "text/html", any2html),
        Converter("pdf2html", PDF, "text/html", any2html),
        Converter(
            "any2pdf",
            (*pdf_sources, *OFFICE),
            "application/pdf",
            _office("pdf", "application/pdf", any2pdf),
        ),
        Converter("md2pdf", MARKDOWN, "application/pdf", any2pdf),
        Converter("image2pdf", IMAGES, "application/pdf", any2pdf),
        Converter("pictureConvertToPDF", IMAGES, "application/pdf", any2pdf),
        Converter("office2pdf", OFFICE, "application/pdf", _office("pdf", "application/pdf")),
        Converter(
            "office2html", (*OFFICE, *readable), "text/html", _office("html", "text/html", any2html)
        ),
        Converter("anyToThumbnail", ("*/*",), "image/jpeg", from_bytes(thumbnail)),
        Converter("pictureResize", IMAGES, "image/jpeg", from_bytes(resize)),
    ):
        registry.add_converter(converter)
