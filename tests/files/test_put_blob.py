"""PUT @blob: a blob set from a form, streamed (larger than any JSON body)."""

from __future__ import annotations

from aiohttp import FormData

from .helpers import API, new_file


async def test_a_blob_is_set_with_a_form_put(client):
    doc = await new_file(client, "put-form", b"old")
    form = FormData()
    form.add_field("file", b"new bytes " * 200_000, filename="new.txt", content_type="text/plain")
    resp = await client.put(f"{API}/id/{doc['uid']}/@blob/file:content", data=form)
    assert resp.status == 200, await resp.text()
    assert await resp.text() == "blob updated"
    blob = await client.get(f"{API}/id/{doc['uid']}/@blob/file:content")
    assert await blob.read() == b"new bytes " * 200_000  # 2 MB: past the JSON body limit
    bare = await client.put(f"{API}/id/{doc['uid']}/@blob/file:content", data=b"raw")
    assert bare.status == 400
