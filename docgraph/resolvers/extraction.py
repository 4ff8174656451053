"""Text from files for full-text search, extracted in the background.

Writes never wait for it: the database queues each new file of a document
(``fulltext_jobs``) in the write's own transaction, and every server process
drains the queue, a few jobs at a time, leasing them so that two processes
never work on the same one. A file's text is extracted once per content and
shared by every document holding it. Text, HTML, Markdown and PDF are read
here; office files through LibreOffice when it is installed; other files
(images, archives) have no text.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import shutil

from docgraph.db import extraction as db_extraction
from docgraph.db.blobs import BlobStore
from docgraph.db.pool import Database, Record
from docgraph.errors import DocGraphError
from docgraph.resolvers.conversions import in_sandbox, in_worker
from docgraph.resolvers.converters import HTML, MARKDOWN, OFFICE, PDF, as_text, soffice_convert
from docgraph.resolvers.model import Blob

log = logging.getLogger(__name__)

# Characters of text kept per file (full text is bounded as a whole too).
MAX_TEXT = 200_000
# Files larger than this are not read for their text.
MAX_SOURCE = 64 * 1024 * 1024
LEASE = 300.0
MAX_ATTEMPTS = 3
BATCH = 8


def readable(mime_type: str) -> bool:
    return mime_type.startswith("text/") or mime_type in (*HTML, *MARKDOWN, *PDF)


def _office(mime_type: str) -> bool:
    return any(fnmatch.fnmatch(mime_type, p) for p in OFFICE)


async def text_of(store: BlobStore, key: str, mime_type: str) -> str:
    """The file's text; empty when docgraph cannot read this kind of file."""
    length = await store.length(key)
    if length is None or length > MAX_SOURCE:
        return ""
    office = _office(mime_type) and shutil.which("soffice") is not None
    if not readable(mime_type) and not office:
        return ""
    data = b"".join([chunk async for chunk in store.get(key)])
    blob = Blob(name="file", mime_type=mime_type, key=key, digest="", length=length)
    if office:
        data = await soffice_convert(data, "file.bin", "txt")
        blob = Blob(name="file.txt", mime_type="text/plain", key=key, digest="", length=len(data))
    # PDFs go through the sandbox: their parser takes untrusted input.
    run = in_sandbox if blob.mime_type in PDF else in_worker
    text = await run(as_text, data, blob)
    return text[:MAX_TEXT].replace("\x00", " ")


async def _run(db: Database, store: BlobStore, job: Record) -> None:
    key = job["blob_key"]
    if not await db_extraction.has_text(db, key):
        try:
            text = await text_of(store, key, job["mime_type"])
        except (DocGraphError, OSError, ValueError) as exc:
            if job["attempts"] < MAX_ATTEMPTS:
                log.warning("text extraction of %s failed (%s); it will be retried", key, exc)
                return
            text = ""  # given up: the file counts as having no text
        await db_extraction.save_text(db, key, text)
    await db_extraction.finish(db, job["document_id"], key)


async def extract_due(db: Database, store: BlobStore, limit: int = BATCH) -> int:
    """Work off up to ``limit`` due jobs; how many were taken."""
    jobs = await db_extraction.claim_jobs(db, limit, LEASE)
    for job in jobs:
        await _run(db, store, job)
    return len(jobs)


async def drain_forever(db: Database, store: BlobStore, interval: float) -> None:
    while True:
        try:
            taken = await extract_due(db, store)
        except Exception:  # the database may be away for a while
            log.exception("text extraction failed; retrying later")
            taken = 0
        if taken < BATCH:
            await asyncio.sleep(interval)
