"""A server killed in the middle of a chunked upload: after a restart the
batch resumes where it was, the file's digest is right, and no blob in the
store holds anything but the content its key names."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

AUTH = ("Administrator", "Administrator")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(data_dir: Path, dsn: str, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGRAPH_")}
    command = [sys.executable, "-m", "docgraph", "serve", "--port", str(port)]
    command += ["--host", "127.0.0.1", "--data-dir", str(data_dir), "--database-url", dsn]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/nuxeo/runningstatus", timeout=1).ok:
                return proc
        except requests.ConnectionError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("docgraph serve did not start")


def chunk(api: str, batch: str, index: int, data: bytes) -> requests.Response:
    return requests.post(
        f"{api}/upload/{batch}/0",
        data=data,
        auth=AUTH,
        headers={
            "X-File-Name": "resumed.bin",
            "X-Upload-Type": "chunked",
            "X-Upload-Chunk-Index": str(index),
            "X-Upload-Chunk-Count": "3",
        },
        timeout=30,
    )


def test_a_chunked_upload_survives_a_killed_server(tmp_path, server_dsn, template_dsn):
    from tests.conftest import fresh_database

    dsn = fresh_database(server_dsn, "crash_upload")
    parts = [os.urandom(300_000) for _ in range(3)]
    port = free_port()
    api = f"http://127.0.0.1:{port}/nuxeo/api/v1"
    server = start(tmp_path, dsn, port)
    try:
        batch = requests.post(f"{api}/upload", auth=AUTH, timeout=10).json()["batchId"]
        assert chunk(api, batch, 0, parts[0]).status_code == 202
        assert chunk(api, batch, 1, parts[1]).status_code == 202
        # The last chunk starts arriving, then the server dies.
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(
                f"POST /nuxeo/api/v1/upload/{batch}/0 HTTP/1.1\r\nHost: x\r\n"
                "Authorization: Basic QWRtaW5pc3RyYXRvcjpBZG1pbmlzdHJhdG9y\r\n"
                "X-File-Name: resumed.bin\r\nX-Upload-Type: chunked\r\n"
                "X-Upload-Chunk-Index: 2\r\nX-Upload-Chunk-Count: 3\r\n"
                f"Content-Length: {len(parts[2])}\r\n\r\n".encode()
                + parts[2][:100_000]
            )
            time.sleep(0.5)
            server.send_signal(signal.SIGKILL)
            server.wait(10)
    finally:
        if server.poll() is None:
            server.kill()

    server = start(tmp_path, dsn, port)
    try:
        probe = requests.get(f"{api}/upload/{batch}/0", auth=AUTH, timeout=10)
        assert probe.status_code == 202  # incomplete: the client resumes
        assert probe.json()["uploadedChunkIds"] == [0, 1]
        assert chunk(api, batch, 2, parts[2]).status_code == 201
        doc = requests.post(
            f"{api}/path/default-domain/workspaces",
            auth=AUTH,
            json={
                "entity-type": "document",
                "type": "File",
                "name": "resumed",
                "properties": {"file:content": {"upload-batch": batch, "upload-fileId": "0"}},
            },
            timeout=10,
        ).json()
        content = b"".join(parts)
        assert doc["properties"]["file:content"]["digest"] == hashlib.md5(content).hexdigest()
        download = requests.get(f"{api}/id/{doc['uid']}/@blob/file:content", auth=AUTH, timeout=10)
        assert download.content == content
    finally:
        server.terminate()
        server.wait(10)

    blobs = [p for p in (tmp_path / "blobs").glob("??/??/*")]
    assert blobs
    for path in blobs:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name
