"""What the file tests do again and again: fill a batch, make a File of it."""

from __future__ import annotations

from typing import Any

API = "/nuxeo/api/v1"
WS = "/default-domain/workspaces"


async def new_batch(client: Any) -> str:
    resp = await client.post(f"{API}/upload")
    assert resp.status == 201, await resp.text()
    return (await resp.json())["batchId"]


async def uploaded(client: Any, *files: tuple[str, bytes, str]) -> str:
    """A new batch holding ``(file name, content, MIME type)`` files at 0, 1, ..."""
    batch = await new_batch(client)
    for index, (name, content, mime) in enumerate(files):
        resp = await client.post(
            f"{API}/upload/{batch}/{index}",
            data=content,
            headers={"X-File-Name": name, "X-File-Type": mime},
        )
        assert resp.status == 201, await resp.text()
    return batch


async def file_from(
    client: Any, name: str, batch: str, index: str = "0", parent: str = WS
) -> dict[str, Any]:
    """A File document named and titled ``name`` holding the batch's file."""
    resp = await client.post(
        f"{API}/path{parent}",
        json={
            "entity-type": "document",
            "type": "File",
            "name": name,
            "properties": {
                "dc:title": name,
                "file:content": {"upload-batch": batch, "upload-fileId": index},
            },
        },
    )
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def new_file(
    client: Any, name: str, content: bytes, file_name: str = "f.txt", mime: str = "text/plain"
) -> dict[str, Any]:
    """A File document holding one file, uploaded for it."""
    return await file_from(client, name, await uploaded(client, (file_name, content, mime)))
