"""Garbage collection of blobs: what is referenced stays, the rest goes
(only with --delete, and only once its grace period is over)."""

from __future__ import annotations

import os
import subprocess
import sys

from docgraph.db.blobs import store_for
from docgraph.db.blobs.gc import collect
from docgraph.gateway import keys

API = "/nuxeo/api/v1"


async def upload(client, *contents: bytes) -> str:
    batch = (await (await client.post(f"{API}/upload")).json())["batchId"]
    for i, content in enumerate(contents):
        await client.post(f"{API}/upload/{batch}/{i}", data=content, headers={"X-File-Name": "f"})
    return batch


async def test_only_unreferenced_blobs_are_collected(client):
    app = client.app
    db, store = app[keys.DATABASE], store_for(app[keys.SETTINGS])
    batch = await upload(client, b"gc: kept by a document", b"gc: orphan")
    resp = await client.post(
        f"{API}/path/default-domain/workspaces",
        json={
            "entity-type": "document",
            "type": "File",
            "name": "gc-kept",
            "properties": {"file:content": {"upload-batch": batch, "upload-fileId": "0"}},
        },
    )
    assert resp.status == 201
    live = await upload(client, b"gc: in a live batch")
    assert (await client.delete(f"{API}/upload/{batch}")).status == 204

    young = await collect(db, store, grace=3600, delete=True)
    assert young.deleted == 0  # everything was written just now

    dry = await collect(db, store, grace=0)
    assert dry.garbage >= 1 and dry.deleted == 0
    done = await collect(db, store, grace=0, delete=True)
    assert done.deleted == dry.garbage
    assert (await collect(db, store, grace=0)).garbage == 0

    document = await client.get(f"{API}/path/default-domain/workspaces/gc-kept/@blob/file:content")
    assert await document.read() == b"gc: kept by a document"
    execute = await client.post(
        f"{API}/upload/{live}/0/execute/FileManager.Import",
        json={"context": {"currentDocument": "/default-domain/workspaces"}},
    )
    assert execute.status == 200  # the live batch's blob is still there


def test_the_command_is_a_dry_run_by_default(server_dsn, template_dsn, tmp_path):
    from tests.conftest import fresh_database

    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGRAPH_")}
    dsn = fresh_database(server_dsn, "gc_cli")
    args = [sys.executable, "-m", "docgraph", "gc-blobs", "--database-url", dsn]
    args += ["--data-dir", str(tmp_path)]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    assert "unreferenced blob(s)" in result.stdout and "dry run" in result.stdout


async def test_chunks_of_an_abandoned_upload_are_collected(client):
    app = client.app
    db, store = app[keys.DATABASE], store_for(app[keys.SETTINGS])
    batch = (await (await client.post(f"{API}/upload")).json())["batchId"]
    resp = await client.post(
        f"{API}/upload/{batch}/0",
        data=b"the first of two chunks",
        headers={
            "X-Upload-Type": "chunked",
            "X-Upload-Chunk-Index": "0",
            "X-Upload-Chunk-Count": "2",
            "X-File-Name": "half",
        },
    )
    assert resp.status == 202
    part = f"{batch}/0/joined"  # chunk 0 came first: appended to the joined part
    assert await store.staged_length(part) == len(b"the first of two chunks")
    await collect(db, store, grace=0, delete=True)
    assert await store.staged_length(part) is not None  # the batch still lives
    await client.delete(f"{API}/upload/{batch}")
    await collect(db, store, grace=0, delete=True)
    assert await store.staged_length(part) is None
