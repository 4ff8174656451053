"""The ``docgraph`` command: version, migrate, and serve on its own embedded PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest
import requests

from docgraph import __version__

pytestmark = pytest.mark.slow


def docgraph(*args: str, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGRAPH_")}
    return subprocess.run(
        [sys.executable, "-m", "docgraph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        **kwargs,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_running(data_dir) -> bool:
    return any(
        p.info["name"] == "postgres" and str(data_dir) in " ".join(p.info["cmdline"] or [])
        for p in psutil.process_iter(attrs=["name", "cmdline"])
    )


def test_version():
    result = docgraph("--version")
    assert result.stdout.strip() == f"docgraph {__version__}"


def test_migrate_against_a_database_url(server_dsn, template_dsn):
    from tests.conftest import fresh_database

    result = docgraph("migrate", "--dry-run", "--database-url", fresh_database(server_dsn, "cli"))
    assert result.returncode == 0, result.stderr
    # docgraph's own are all applied (installed plugins may bring theirs).
    assert "migration(s) pending" in result.stdout
    assert "docgraph:" not in result.stdout


def serve_once(
    data_dir,
    port: int,
    *extra: str,
    kill: bool = False,
    password: str = "Administrator",
    env_extra: dict[str, str] | None = None,
    during=None,
    host: str | None = "127.0.0.1",
) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGRAPH_")}
    env.update(env_extra or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "docgraph", "serve", "--port", str(port)]
        + (["--host", host] if host else [])
        + list(extra),
        cwd=data_dir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/nuxeo"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                if requests.get(f"{base}/runningstatus", timeout=1).ok:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        doc = requests.get(
            f"{base}/api/v1/path/default-domain/workspaces",
            auth=("Administrator", password),
            timeout=10,
        ).json()
        if during is not None:
            during()
    finally:
        proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == (-signal.SIGKILL if kill else 0), output
    return {"doc": doc, "output": output}


def test_serve_runs_embedded_postgres_in_the_data_dir_and_reuses_it(tmp_path):
    first = serve_once(tmp_path, free_port())
    assert first["doc"]["title"] == "Workspaces"
    assert "default password" in first["output"]
    assert (tmp_path / "docgraph-data" / "postgres" / "PG_VERSION").exists()
    assert not postgres_running(tmp_path), "SIGTERM must stop the embedded PostgreSQL"
    second = serve_once(tmp_path, free_port())
    assert second["doc"]["uid"] == first["doc"]["uid"]
    assert "creating the default content" not in second["output"]
    assert not postgres_running(tmp_path)


def test_a_stop_after_an_unclean_exit_still_stops_postgres(tmp_path):
    serve_once(tmp_path, free_port(), kill=True)
    assert postgres_running(tmp_path), "kill -9 leaves the embedded PostgreSQL behind"
    again = serve_once(tmp_path, free_port())
    assert again["doc"]["title"] == "Workspaces"
    assert not postgres_running(tmp_path), "the next clean stop must stop it"


def test_serve_with_several_workers(tmp_path, server_dsn, template_dsn):
    from tests.conftest import fresh_database

    dsn = fresh_database(server_dsn, "workers")
    result = serve_once(tmp_path, free_port(), "--workers", "2", "--database-url", dsn)
    assert result["doc"]["title"] == "Workspaces"


def test_help_is_plain_text():
    for args in (["--help"], ["serve", "--help"], ["users", "set-password", "--help"]):
        result = docgraph(*args)
        assert result.returncode == 0 and "``" not in result.stdout, result.stdout
    assert "set a user's password" in docgraph("users", "--help").stdout


def test_a_taken_port_is_one_clear_line(tmp_path, server_dsn, template_dsn):
    from tests.conftest import fresh_database

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        dsn = fresh_database(server_dsn, "taken_port")
        result = docgraph(
            "serve", "--host", "127.0.0.1", "--port", str(port), "--database-url", dsn
        )
    assert result.returncode != 0
    assert f"docgraph: port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_first_start_password_localhost_and_data_dir_lock(tmp_path):
    def migrate_is_refused():
        result = docgraph("migrate", cwd=tmp_path)
        assert result.returncode != 0
        assert "is in use by another docgraph process" in result.stderr

    # The default password keeps the server on localhost and says so.
    first = serve_once(tmp_path, free_port(), during=migrate_is_refused, host=None)
    assert "listening on localhost only" in first["output"]
    assert "http://localhost:" in first["output"]

    # A password set from standard input replaces the default one.
    result = docgraph("users", "set-password", "Administrator", cwd=tmp_path, input="n3w-secret\n")
    assert result.returncode == 0, result.stderr
    second = serve_once(tmp_path, free_port(), "--host", "127.0.0.1", password="n3w-secret")
    assert second["doc"]["title"] == "Workspaces"
    assert "default password" not in second["output"]
    assert docgraph("users", "set-password", "nobody", cwd=tmp_path, input="x\n").returncode


def test_admin_password_from_the_environment_on_first_start(tmp_path):
    result = serve_once(
        tmp_path,
        free_port(),
        "--host",
        "127.0.0.1",
        password="from-env",
        env_extra={"DOCGRAPH_ADMIN_PASSWORD": "from-env"},
    )
    assert result["doc"]["title"] == "Workspaces"
    assert "default password" not in result["output"]


def test_an_unusable_graphql_allow_list_stops_the_start_in_one_line(tmp_path):
    lying = tmp_path / "manifest.json"
    lying.write_text('{"abc": "{ __typename }"}')
    for path in (lying, tmp_path / "missing.json"):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGRAPH_")}
        result = subprocess.run(
            [sys.executable, "-m", "docgraph", "serve"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env={**env, "DOCGRAPH_GRAPHQL_ALLOW_LIST": str(path)},
        )
        assert result.returncode != 0
        assert result.stderr.strip().startswith("docgraph: cannot use the GraphQL allow-list")
        assert "Traceback" not in result.stderr


async def test_what_start_up_built_is_kept_out_of_full_collections():
    import gc

    from docgraph.gateway.cli import YOUNG_COLLECTION_THRESHOLD, _settle_heap

    gc.unfreeze()
    threshold = gc.get_threshold()
    try:
        await _settle_heap(None)  # type: ignore[arg-type]
        assert gc.get_freeze_count() > 10_000
        assert gc.get_threshold()[0] == YOUNG_COLLECTION_THRESHOLD
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
