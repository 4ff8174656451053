"""Conversions (@convert, Blob.* operations) and renditions (@rendition,
the renditions enricher, GraphQL Document.renditions)."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader

from .helpers import API, WS, new_file


def png(width=600, height=400) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(out, "PNG")
    return out.getvalue()


async def test_text_to_html_by_format_type_and_converter(client):
    doc = await new_file(client, "conv-text", "une <note> été".encode(), "n.txt", "text/plain")
    base = f"{API}/repo/default/id/{doc['uid']}/@blob/blobholder:0/@convert"
    for query in ("format=html", "type=text/html", "converter=office2html", "converter=any2html"):
        resp = await client.get(f"{base}?{query}")
        assert resp.status == 200, (query, await resp.text())
        page = await resp.read()
        assert b"<html" in page and "une &lt;note&gt; été".encode() in page
        assert resp.headers["Content-Type"].startswith("text/html")


async def test_pdf_round_trip_and_text_extraction(client):
    doc = await new_file(
        client, "conv-pdf", "Bonjour le monde, été".encode(), "b.txt", "text/plain"
    )
    resp = await client.get(f"{API}/id/{doc['uid']}/@convert?type=application/pdf")
    assert resp.status == 200
    pdf = await resp.read()
    assert pdf.startswith(b"%PDF")
    assert "Bonjour le monde" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    # The same conversion again is served from the cache: same bytes.
    again = await client.get(f"{API}/id/{doc['uid']}/@convert?type=application/pdf")
    assert await again.read() == pdf
    # Piping: the PDF back to text with an operation.
    to_pdf = await client.post(f"{API}/id/{doc['uid']}/@op/Blob.ToPDF", json={"params": {}})
    assert (await to_pdf.read()).startswith(b"%PDF")


async def test_images_thumbnails_and_resizes(client):
    doc = await new_file(client, "conv-image", png(), "p.png", "image/png")
    thumb = await client.get(f"{API}/id/{doc['uid']}/@rendition/thumbnail")
    assert thumb.status == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(await thumb.read()))
    assert max(image.size) <= 350
    small = await client.get(
        f"{API}/id/{doc['uid']}/@blob/file:content/@convert?converter=pictureResize&width=60"
    )
    assert Image.open(io.BytesIO(await small.read())).size == (60, 40)
    pdf = await client.get(f"{API}/id/{doc['uid']}/@rendition/pdf")
    assert (await pdf.read()).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("query", "phrase"),
    [
        ("", "No converter, type or format"),
        ("converter=nope", "is not registered"),
        ("type=application/x-unheard-of", "is not available"),
        ("converter=pictureResize", "is not available"),  # a text file is no picture
        ("format=notaformat", "Unknown format"),
    ],
)
async def test_conversion_refusals_are_4xx_with_the_clients_phrases(client, query, phrase):
    doc = await new_file(client, f"conv-bad-{abs(hash(query))}", b"text", "t.txt", "text/plain")
    resp = await client.get(f"{API}/id/{doc['uid']}/@convert?{query}")
    assert resp.status == 400
    assert phrase in (await resp.json())["message"]


@pytest.mark.skipif(shutil.which("soffice") is not None, reason="LibreOffice is installed here")
async def test_office_files_need_libreoffice(client):
    doc = await new_file(
        client,
        "conv-office",
        b"PK\x03\x04 not really",
        "d.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    resp = await client.get(f"{API}/id/{doc['uid']}/@convert?converter=office2pdf")
    assert resp.status == 400
    assert (await resp.json())["message"].endswith("is not available")


async def test_a_broken_image_is_a_400_not_a_500(client):
    doc = await new_file(client, "conv-broken", b"\x89PNG not at all", "x.png", "image/png")
    resp = await client.get(f"{API}/id/{doc['uid']}/@rendition/thumbnail")
    assert resp.status == 400


async def test_renditions_listed_and_exported(client):
    doc = await new_file(client, "rend-file", b"zip me", "z.txt", "text/plain")
    enriched = await client.get(
        f"{API}/id/{doc['uid']}", headers={"enrichers-document": "renditions"}
    )
    listed = (await enriched.json())["contextParameters"]["renditions"]
    names = [r["name"] for r in listed]
    assert {"pdf", "thumbnail", "xmlExport", "zipExport"} <= set(names)
    assert "zipTreeExport" not in names and "mainBlob" not in names
    assert all(r["url"].endswith(f"/@rendition/{r['name']}") for r in listed)

    xml = await (await client.get(f"{API}/id/{doc['uid']}/@rendition/xmlExport")).read()
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert f"<path>{doc['path'].lstrip('/')}</path>".encode() in xml
    assert b"<title>rend-file</title>" in xml

    exported = await client.get(f"{API}/id/{doc['uid']}/@rendition/zipExport")
    archive = zipfile.ZipFile(io.BytesIO(await exported.read()))
    names = archive.namelist()
    assert "document.xml" in names
    digest = doc["properties"]["file:content"]["digest"]
    assert archive.read(f"{digest}.blob") == b"zip me"

    missing = await client.get(f"{API}/id/{doc['uid']}/@rendition/nope")
    assert missing.status == 404
    assert (await missing.json())["message"] == "No rendition 'nope' was found"


async def test_a_folder_tree_exports_as_a_zip(client):
    folder = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": "tree"}
    )
    folder_doc = await folder.json()
    await client.post(
        f"{API}/id/{folder_doc['uid']}",
        json={"entity-type": "document", "type": "Note", "name": "inner"},
    )
    resp = await client.get(f"{API}/id/{folder_doc['uid']}/@rendition/zipTreeExport")
    assert resp.status == 200
    names = zipfile.ZipFile(io.BytesIO(await resp.read())).namelist()
    assert names == ["tree/document.xml", "tree/inner/document.xml"]
    assert (await client.get(f"{API}/id/{folder_doc['uid']}/@rendition/zipExport")).status == 404


async def test_graphql_lists_the_same_renditions(client):
    doc = await new_file(client, "rend-gql", b"gql", "g.txt", "text/plain")
    resp = await client.post(
        "/nuxeo/graphql",
        json={
            "query": "query($id: ID!) { document(id: $id) { renditions { name url } } }",
            "variables": {"id": doc["uid"]},
        },
    )
    found = (await resp.json())["data"]["document"]["renditions"]
    rest = await client.get(f"{API}/id/{doc['uid']}", headers={"enrichers-document": "renditions"})
    expected = (await rest.json())["contextParameters"]["renditions"]
    assert found == [{"name": r["name"], "url": r["url"]} for r in expected]


def pdf_of(pages: int) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.cell(text=f"page {number}")
    return bytes(pdf.output())


async def test_pdf_pages_are_extracted(client):
    doc = await new_file(client, "conv-pages", pdf_of(4), "four.pdf", "application/pdf")
    resp = await client.post(
        f"{API}/automation/PDF.ExtractPages",
        json={"input": doc["uid"], "params": {"startPage": 2, "endPage": 3}},
    )
    assert resp.status == 200, await resp.text()
    pages = PdfReader(io.BytesIO(await resp.read())).pages
    assert [p.extract_text().strip() for p in pages] == ["page 2", "page 3"]
    beyond = await client.post(
        f"{API}/automation/PDF.ExtractPages",
        json={"input": doc["uid"], "params": {"startPage": 9, "endPage": 10}},
    )
    assert beyond.status == 400


async def test_a_blob_from_a_url_is_for_administrators(client, aiohttp_server, db):
    from aiohttp import web

    from docgraph.db import security as db_security
    from docgraph.resolvers.users import hash_password

    from ..conftest import basic

    async def serve(request):
        return web.Response(body=b"fetched bytes", content_type="text/csv")

    app = web.Application()
    app.router.add_get("/data.csv", serve)
    source = await aiohttp_server(app)
    url = str(source.make_url("/data.csv"))
    resp = await client.post(f"{API}/automation/Blob.CreateFromURL", json={"params": {"file": url}})
    assert resp.status == 200, await resp.text()
    assert await resp.read() == b"fetched bytes"
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert "data.csv" in resp.headers["Content-Disposition"]
    for bad in ("file:///etc/passwd", url.replace("data.csv", "missing.csv")):
        refused = await client.post(f"{API}/automation/Blob.Create", json={"params": {"file": bad}})
        assert refused.status == 400, bad
    if await db_security.user_by_name(db, "fetcher") is None:
        await db_security.insert_user(db, "fetcher", hash_password("fetcher-pw"))
    member = await client.post(
        f"{API}/automation/Blob.CreateFromURL",
        json={"params": {"file": url}},
        headers=basic("fetcher", "fetcher-pw"),
    )
    assert member.status == 404
    # The catalogue lists only what its reader may run.
    listed = await client.get(f"{API}/automation", headers=basic("fetcher", "fetcher-pw"))
    assert "Blob.CreateFromURL" not in [o["id"] for o in (await listed.json())["operations"]]
    everything = await (await client.get(f"{API}/automation")).json()
    assert "Blob.CreateFromURL" in [o["id"] for o in everything["operations"]]


async def test_a_conversion_scheduled_in_the_background(client):
    import asyncio

    doc = await new_file(client, "conv-async", b"later, as html", "l.txt", "text/plain")
    resp = await client.post(
        f"{API}/id/{doc['uid']}/@blob/file:content/@convert",
        data={"async": "true", "format": "html"},
    )
    assert resp.status == 202, await resp.text()
    scheduled = await resp.json()
    assert scheduled["entity-type"] == "conversionScheduled"
    assert resp.headers["Location"] == scheduled["pollingURL"]
    poll = "/nuxeo" + scheduled["pollingURL"].split("/nuxeo", 1)[1]
    async with asyncio.timeout(10):
        for _ in range(1000):
            status = await (await client.get(poll)).json()
            if status["status"] == "completed":
                break
            assert status["status"] in ("scheduled", "running")
            await asyncio.sleep(0.1)
    result = await client.get("/nuxeo" + scheduled["resultURL"].split("/nuxeo", 1)[1])
    assert result.status == 200 and b"later, as html" in await result.read()
    refused = await client.post(
        f"{API}/id/{doc['uid']}/@convert", data={"async": "true", "converter": "nope"}
    )
    assert refused.status == 400
    assert (await client.get(f"{API}/conversions/not-a-job/poll")).status == 404


async def test_zips_concatenations_renditions_and_resizes_by_operation(client):
    first = await new_file(client, "ops-a", pdf_of(1), "same.pdf", "application/pdf")
    second = await new_file(client, "ops-b", pdf_of(2), "same.pdf", "application/pdf")
    bulk = await client.post(
        f"{API}/automation/Blob.BulkDownload",
        json={"input": f"docs:{first['uid']},{second['uid']}", "params": {"filename": "all.zip"}},
    )
    assert bulk.status == 200, await bulk.text()
    assert "all.zip" in bulk.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(await bulk.read()))
    assert archive.namelist() == ["same.pdf", "same (1).pdf"]

    batch_pdfs = await client.post(f"{API}/upload")
    batch = (await batch_pdfs.json())["batchId"]
    for i, pages in enumerate((1, 2)):
        await client.post(
            f"{API}/upload/{batch}/{i}",
            data=pdf_of(pages),
            headers={"X-File-Name": f"{i}.pdf", "X-File-Type": "application/pdf"},
        )
    joined = await client.post(
        f"{API}/upload/{batch}/execute/Blob.ConcatenatePDFs",
        json={"params": {"filename": "joined.pdf"}},
        headers={"X-Batch-No-Drop": "true"},
    )
    assert joined.status == 200, await joined.text()
    assert len(PdfReader(io.BytesIO(await joined.read())).pages) == 3
    zipped = await client.post(f"{API}/upload/{batch}/execute/Blob.CreateZip", json={"params": {}})
    assert zipfile.ZipFile(io.BytesIO(await zipped.read())).namelist() == ["0.pdf", "1.pdf"]

    rendition = await client.post(
        f"{API}/automation/Document.GetRendition",
        json={"input": first["uid"], "params": {"renditionName": "xmlExport"}},
    )
    assert (await rendition.read()).startswith(b'<?xml version="1.0"')
    image = await new_file(client, "ops-image", png(800, 400), "p.png", "image/png")
    resized = await client.post(
        f"{API}/automation/Picture.Resize",
        json={"input": image["uid"], "params": {"maxWidth": 100, "maxHeight": 100}},
    )
    assert Image.open(io.BytesIO(await resized.read())).size == (100, 50)


async def test_previews_show_pictures_and_text_and_never_a_users_page(client):
    picture = await new_file(client, "prev-png", png(40, 20), "p.png", "image/png")
    shown = await client.get(f"{API}/id/{picture['uid']}/@preview")
    assert shown.status == 200 and shown.headers["Content-Type"] == "image/png"
    assert shown.headers["Content-Disposition"].startswith("inline")
    page = await new_file(
        client, "prev-html", b"<script>alert(1)</script><p>hello</p>", "x.html", "text/html"
    )
    text = await client.get(f"{API}/id/{page['uid']}/@preview")
    body = await text.read()
    assert text.status == 200 and b"<script>" not in body and b"hello" in body
    assert text.headers["Content-Security-Policy"] == "sandbox"
    # The file itself, opened inline, is sandboxed too.
    raw = await client.get(f"{API}/id/{page['uid']}/@blob/file:content")
    assert raw.headers["Content-Security-Policy"] == "sandbox"
    assert raw.headers["X-Content-Type-Options"] == "nosniff"
    nothing = await new_file(client, "prev-zip", b"PK...", "a.zip", "application/zip")
    missing = await client.get(f"{API}/id/{nothing['uid']}/@preview")
    assert missing.status == 404 and "text/html" in missing.headers["Content-Type"]
    enriched = await client.get(
        f"{API}/id/{picture['uid']}", headers={"enrichers-document": "preview"}
    )
    url = (await enriched.json())["contextParameters"]["preview"]["url"]
    assert f"/id/{picture['uid']}/@preview/?changeToken=" in url
    none = await client.get(f"{API}/id/{nothing['uid']}", headers={"enrichers-document": "preview"})
    assert (await none.json())["contextParameters"]["preview"] == {"url": None}


async def test_a_pictures_views(client):
    batch = await client.post(f"{API}/upload")
    batch_id = (await batch.json())["batchId"]
    await client.post(
        f"{API}/upload/{batch_id}/0",
        data=png(2000, 1000),
        headers={"X-File-Name": "wide.png", "X-File-Type": "image/png"},
    )
    resp = await client.post(
        f"{API}/path{WS}",
        json={
            "entity-type": "document",
            "type": "Picture",
            "name": "wide",
            "properties": {"file:content": {"upload-batch": batch_id, "upload-fileId": "0"}},
        },
    )
    assert resp.status == 201, await resp.text()
    picture = await resp.json()
    sizes = {}
    for view in ("Thumbnail", "Small", "Medium", "FullHD", "OriginalJpeg"):
        shown = await client.get(f"{API}/id/{picture['uid']}/@rendition/{view}")
        assert shown.status == 200, view
        sizes[view] = Image.open(io.BytesIO(await shown.read())).size
    assert sizes == {
        "Thumbnail": (100, 50),
        "Small": (280, 140),
        "Medium": (1200, 600),
        "FullHD": (1920, 960),
        "OriginalJpeg": (2000, 1000),
    }
    by_op = await client.post(
        f"{API}/automation/Picture.GetView",
        json={"input": picture["uid"], "params": {"viewName": "Small"}},
    )
    assert Image.open(io.BytesIO(await by_op.read())).size == (280, 140)
    listed = await client.get(
        f"{API}/id/{picture['uid']}", headers={"enrichers-document": "renditions"}
    )
    names = {r["name"] for r in (await listed.json())["contextParameters"]["renditions"]}
    assert {"Small", "Medium", "OriginalJpeg"} <= names
    a_file = await new_file(client, "not-a-picture", png(), "p.png", "image/png")
    assert (await client.get(f"{API}/id/{a_file['uid']}/@rendition/Small")).status == 404


async def test_a_blob_posted_to_a_url(client, aiohttp_server):
    from aiohttp import web

    from .helpers import uploaded

    received: list[tuple[str, str, bytes]] = []

    async def take(request):
        received.append((request.method, request.content_type, await request.read()))
        return web.Response(status=201)

    async def refuse(request):
        return web.Response(status=500)

    app = web.Application()
    app.router.add_post("/inbox", take)
    app.router.add_post("/broken", refuse)
    target = await aiohttp_server(app)
    payload = bytes(range(256)) * 4096  # 1 MiB, streamed from the store
    batch = await uploaded(client, ("data.bin", payload, "application/x-test"))
    keep = {"X-Batch-No-Drop": "true"}
    resp = await client.post(
        f"{API}/upload/{batch}/0/execute/Blob.PostToURL",
        json={"params": {"url": str(target.make_url("/inbox"))}},
        headers=keep,
    )
    assert resp.status == 200, await resp.text()
    assert await resp.read() == payload  # the blob passes through
    assert received == [("POST", "application/x-test", payload)]
    for bad in (str(target.make_url("/broken")), "file:///etc/passwd", "not a url"):
        refused = await client.post(
            f"{API}/upload/{batch}/0/execute/Blob.PostToURL",
            json={"params": {"url": bad}},
            headers=keep,
        )
        assert refused.status == 400, bad
