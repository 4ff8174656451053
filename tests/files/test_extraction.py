"""Words inside files are found by full-text search, once the background
extraction has read them; writes never wait for it."""

from __future__ import annotations

import asyncio

from docgraph.db import extraction as db_extraction
from docgraph.db.blobs import store_for
from docgraph.gateway import keys
from docgraph.resolvers import extraction

from .helpers import API, new_file


async def fulltext(client, word: str) -> list[str]:
    query = f"SELECT * FROM Document WHERE ecm:fulltext = '{word}'"
    resp = await client.get(f"{API}/search/lang/NXQL/execute", params={"query": query})
    assert resp.status == 200, await resp.text()
    return [e["title"] for e in (await resp.json())["entries"]]


async def until_found(client, word: str) -> list[str]:
    """The search's answer once it finds ``word`` (within 10 s)."""
    async with asyncio.timeout(10):
        for _ in range(1000):  # polling: the worker runs on its own schedule
            if found := await fulltext(client, word):
                return found
            await asyncio.sleep(0.2)
    raise AssertionError(f"{word!r} never found")


async def test_words_inside_text_html_and_pdf_files_are_found(client):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="quixotically pdfword")
    await new_file(client, "ft-text", b"zephyrine lorem", "a.txt", "text/plain")
    await new_file(client, "ft-html", b"<p>gossamerish <b>ipsum</b></p>", "b.html", "text/html")
    await new_file(client, "ft-pdf", bytes(pdf.output()), "c.pdf", "application/pdf")
    assert await until_found(client, "zephyrine") == ["ft-text"]
    assert await until_found(client, "gossamerish") == ["ft-html"]
    assert await until_found(client, "pdfword") == ["ft-pdf"]


async def test_the_text_stays_when_properties_change_and_goes_with_the_file(client):
    doc = await new_file(client, "ft-kept", b"marmalade clouds", "m.txt", "text/plain")
    await until_found(client, "marmalade")
    await client.put(
        f"{API}/id/{doc['uid']}",
        json={"entity-type": "document", "properties": {"dc:title": "renamed"}},
    )
    assert await fulltext(client, "marmalade") == ["renamed"]
    await client.put(
        f"{API}/id/{doc['uid']}",
        json={"entity-type": "document", "properties": {"file:content": None}},
    )
    assert await fulltext(client, "marmalade") == []


async def test_files_without_text_and_broken_files_end_their_jobs(client):
    app = client.app
    db, store = app[keys.DATABASE], store_for(app[keys.SETTINGS])
    await new_file(client, "ft-image", b"\x89PNG...", "i.png", "image/png")
    await new_file(client, "ft-broken", b"%PDF-1.4 broken", "x.pdf", "application/pdf")
    for _ in range(extraction.MAX_ATTEMPTS + 1):
        await extraction.extract_due(db, store)
        # Retries wait for their lease: make them due now.
        await db.execute("UPDATE fulltext_jobs SET not_before = now()")
    assert await db_extraction.pending_jobs(db) == 0
