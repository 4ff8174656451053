"""Files: a large upload and download, and many small files, against a bare baseline.

Starts a throwaway embedded PostgreSQL, ``docgraph serve`` and, in its own
process, a bare aiohttp server that streams request bodies to disk and serves
files back with sendfile: what a file server costs with nothing else to do.

1. A ``--size`` MiB file (1 GiB by default) goes up in ``--chunk`` MiB chunks
   (docgraph: a chunked batch upload, then a document made from it), then
   comes back down (docgraph: ``@blob``), its MD5 checked against the source.
   Throughput of each direction is reported as a ratio of the baseline's, in
   the same run, with the docgraph server's resident memory growth.
2. ``--small`` files of 10 KB each go through a batch upload and become
   documents: files per second.

    .venv/bin/python bench/files.py [--size MIB] [--chunk MIB] [--small N]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import multiprocessing
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import ExitStack
from pathlib import Path

import aiohttp
import psutil
from aiohttp import web
from rest_get import (
    AUTH_HEADER,
    HOST,
    WORKSPACES,
    BenchError,
    free_port,
    positive_int,
    progress,
    start_docgraph,
    wait_ready,
    with_throwaway_postgres,
)

MIB = 2**20


# --- the baseline server (runs in its own process) ----------------------------------


def run_baseline(port: int, directory: str) -> None:
    root = Path(directory)

    async def receive(request: web.Request) -> web.Response:
        path = root / request.match_info["name"]
        with path.open("ab") as out:
            async for data in request.content.iter_chunked(256 * 1024):
                out.write(data)
        return web.json_response({"uploaded": "true"}, status=201)

    async def send(request: web.Request) -> web.FileResponse:
        return web.FileResponse(root / request.match_info["name"])

    async def ready(request: web.Request) -> web.Response:
        return web.Response(text="Ok")

    app = web.Application()
    app.router.add_post("/files/{name}", receive)
    app.router.add_get("/files/{name}", send)
    app.router.add_get("/ready", ready)
    web.run_app(app, host=HOST, port=port, print=None, handle_signals=True)


# --- measurement ---------------------------------------------------------------------


def make_source(path: Path, size: int) -> str:
    """A file of ``size`` bytes that does not compress; its MD5."""
    digest = hashlib.md5(usedforsecurity=False)
    block = os.urandom(MIB)
    with path.open("wb") as out:
        for i in range(size // MIB):
            piece = block[i % 251 :] + block[: i % 251]  # distinct chunks
            digest.update(piece)
            out.write(piece)
    return digest.hexdigest()


async def chunks(path: Path, chunk: int) -> AsyncIterator[tuple[int, bytes]]:
    with path.open("rb") as source:
        index = 0
        while data := await asyncio.to_thread(source.read, chunk):
            yield index, data
            index += 1


class Rss:
    """The peak resident memory of a process while a block runs."""

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self.baseline = self.peak = process.memory_info().rss / MIB
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Rss:
        self.baseline = self.peak = self.process.memory_info().rss / MIB

        async def sample() -> None:
            while True:
                self.peak = max(self.peak, self.process.memory_info().rss / MIB)
                await asyncio.sleep(0.05)

        self._task = asyncio.create_task(sample())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()

    @property
    def growth(self) -> float:
        return self.peak - self.baseline


async def download_md5(session: aiohttp.ClientSession, url: str) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    async with session.get(url) as resp:
        if resp.status != 200:
            raise BenchError(f"GET {url} answered {resp.status}")
        async for data in resp.content.iter_chunked(256 * 1024):
            digest.update(data)
    return digest.hexdigest()


async def baseline_round(base: str, source: Path, chunk: int, expected: str) -> tuple[float, float]:
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        async for _, data in chunks(source, chunk):
            async with session.post(f"{base}/files/big", data=data) as resp:
                if resp.status != 201:
                    raise BenchError(f"baseline upload answered {resp.status}")
        uploaded = time.perf_counter() - started
        started = time.perf_counter()
        if await download_md5(session, f"{base}/files/big") != expected:
            raise BenchError("the baseline's download differs from the source")
        return uploaded, time.perf_counter() - started


async def docgraph_round(
    api: str, source: Path, size: int, chunk: int, expected: str, server: psutil.Process
) -> tuple[float, float, float, float]:
    count = -(-size // chunk)
    headers = {"Authorization": AUTH_HEADER}
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(f"{api}/upload") as resp:
            batch = (await resp.json())["batchId"]
        async with Rss(server) as up_memory:
            started = time.perf_counter()
            async for index, data in chunks(source, chunk):
                async with session.post(
                    f"{api}/upload/{batch}/0",
                    data=data,
                    headers={
                        "X-File-Name": "big.bin",
                        "X-Upload-Type": "chunked",
                        "X-Upload-Chunk-Index": str(index),
                        "X-Upload-Chunk-Count": str(count),
                    },
                ) as resp:
                    if resp.status not in (201, 202):
                        raise BenchError(f"chunk {index} answered {resp.status}")
            body = {
                "entity-type": "document",
                "type": "File",
                "name": "big",
                "properties": {"file:content": {"upload-batch": batch, "upload-fileId": "0"}},
            }
            async with session.post(f"{api}/path{WORKSPACES}", json=body) as resp:
                if resp.status != 201:
                    raise BenchError(f"creating the document answered {resp.status}")
                digest = (await resp.json())["properties"]["file:content"]["digest"]
            uploaded = time.perf_counter() - started
        if digest != expected:
            raise BenchError("the stored digest differs from the source's")
        async with Rss(server) as down_memory:
            started = time.perf_counter()
            url = f"{api}/path{WORKSPACES}/big/@blob/file:content"
            if await download_md5(session, url) != expected:
                raise BenchError("the download differs from the source")
            downloaded = time.perf_counter() - started
    return uploaded, downloaded, up_memory.growth, down_memory.growth


async def small_files(api: str, count: int) -> float:
    headers = {"Authorization": AUTH_HEADER}
    payload = os.urandom(10_000)
    limit = asyncio.Semaphore(16)
    async with aiohttp.ClientSession(headers=headers) as session:
        async with session.post(
            f"{api}/path{WORKSPACES}",
            json={"entity-type": "document", "type": "Folder", "name": "small"},
        ) as resp:
            if resp.status != 201:
                raise BenchError(f"creating the folder answered {resp.status}")
        started = time.perf_counter()
        async with session.post(f"{api}/upload") as resp:
            batch = (await resp.json())["batchId"]

        async def one(i: int) -> None:
            async with limit:
                async with session.post(
                    f"{api}/upload/{batch}/{i}",
                    data=payload[:-4] + i.to_bytes(4, "big"),
                    headers={"X-File-Name": f"f{i}.bin"},
                ) as resp:
                    if resp.status != 201:
                        raise BenchError(f"small upload {i} answered {resp.status}")
                body = {
                    "entity-type": "document",
                    "type": "File",
                    "name": f"f{i}",
                    "properties": {
                        "file:content": {"upload-batch": batch, "upload-fileId": str(i)}
                    },
                }
                async with session.post(f"{api}/path{WORKSPACES}/small", json=body) as resp:
                    if resp.status != 201:
                        raise BenchError(f"small document {i} answered {resp.status}")

        await asyncio.gather(*(one(i) for i in range(count)))
        return count / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=positive_int, default=1024, help="large file, MiB")
    parser.add_argument("--chunk", type=positive_int, default=10, help="chunk size, MiB")
    parser.add_argument("--small", type=positive_int, default=1000, help="10 KB files")
    args = parser.parse_args()
    if args.size > 4096:
        raise SystemExit("--size is at most 4096 MiB")

    async def run(dsn: str, workdir: Path, stack: ExitStack) -> None:
        source = workdir / "source.bin"
        progress(f"writing a {args.size} MiB source file")
        expected = make_source(source, args.size * MIB)
        files = workdir / "baseline-files"
        files.mkdir()
        port = free_port()
        baseline = multiprocessing.get_context("spawn").Process(
            target=run_baseline, args=(port, str(files)), daemon=True
        )
        baseline.start()
        stack.callback(baseline.terminate)
        await wait_ready(
            "baseline",
            f"http://{HOST}:{port}/ready",
            _Popen(baseline),  # type: ignore[arg-type]  # poll() and returncode suffice
            source,
        )
        url, server = await start_docgraph(dsn, workdir, stack)
        api = f"{url}/api/v1"
        # Each side starts with nothing waiting to be written back to disk.
        await asyncio.to_thread(os.sync)
        progress("baseline: up and down")
        base_up, base_down = await baseline_round(
            f"http://{HOST}:{port}", source, args.chunk * MIB, expected
        )
        await asyncio.to_thread(os.sync)
        progress("docgraph: up and down")
        up, down, up_rss, down_rss = await docgraph_round(
            api, source, args.size * MIB, args.chunk * MIB, expected, psutil.Process(server.pid)
        )
        progress(f"docgraph: {args.small} small files")
        rate = await small_files(api, args.small)
        size = args.size
        print(
            f"\n{size} MiB in {args.chunk} MiB chunks (MD5 checked both ways)\n"
            f"upload:   baseline {size / base_up:7.1f} MiB/s, docgraph {size / up:7.1f} MiB/s"
            f" = {base_up / up:.2f} of the baseline; server RSS +{up_rss:.0f} MiB\n"
            f"download: baseline {size / base_down:7.1f} MiB/s, docgraph {size / down:7.1f} MiB/s"
            f" = {base_down / down:.2f} of the baseline; server RSS +{down_rss:.0f} MiB\n"
            f"{args.small} files of 10 KB uploaded and made documents: {rate:.0f} files/s"
        )

    return with_throwaway_postgres(run)


class _Popen:
    """What ``wait_ready`` asks of a process, for a multiprocessing one."""

    def __init__(self, process: multiprocessing.process.BaseProcess) -> None:
        self.process = process

    def poll(self) -> int | None:
        return self.process.exitcode

    @property
    def returncode(self) -> int | None:
        return self.process.exitcode


if __name__ == "__main__":
    sys.exit(main())
