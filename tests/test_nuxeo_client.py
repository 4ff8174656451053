"""The official Nuxeo Python client (``nuxeo``) against a real ``docgraph serve``.

One server subprocess per module, on a fresh clone of the migrated template
database; every test drives it through the client's public API only.
"""

from __future__ import annotations

import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from nuxeo.client import Nuxeo
from nuxeo.exceptions import BadQuery, Forbidden, HTTPError, Unauthorized
from nuxeo.models import Document, User

from tests.conftest import fresh_database

WORKSPACES = "/default-domain/workspaces"
ADMIN = ("Administrator", "Administrator")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
_names = itertools.count()


def unique(prefix: str) -> str:
    return f"{prefix} {os.getpid()}-{next(_names)}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(log: Path, limit: int = 12_000) -> str:
    try:
        text = log.read_text(errors="replace")
    except OSError as exc:  # pragma: no cover - diagnostics only
        return f"<cannot read {log}: {exc}>"
    return text if len(text) <= limit else "...\n" + text[-limit:]


class _ServerLogOnFailure:
    """Adds the server log to the report of every failing test of this module."""

    def __init__(self, log: Path, module: str) -> None:
        self.log = log
        self.module = module

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.failed and item.module.__name__ == self.module:
            report.sections.append(("docgraph serve log", _tail(self.log)))


@dataclass(frozen=True)
class Server:
    url: str  # http://127.0.0.1:PORT/nuxeo/
    log: Path


@pytest.fixture(scope="module")
def server(
    server_dsn: str,
    template_dsn: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[Server]:
    """A ``docgraph serve`` subprocess on a fresh database and a free port."""
    dsn = fresh_database(server_dsn, "nuxeo_client")
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "docgraph-serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGRAPH_")}
    env["PYTHONUNBUFFERED"] = "1"
    root = Path(__file__).resolve().parent.parent
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "docgraph",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--database-url",
                dsn,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=root,
            env=env,
        )
    plugin = _ServerLogOnFailure(log, request.module.__name__)
    request.config.pluginmanager.register(plugin, f"docgraph-serve-log-{id(plugin)}")
    try:
        url = f"http://127.0.0.1:{port}/nuxeo/"
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                pytest.fail(f"docgraph serve exited with {proc.returncode}:\n{_tail(log)}")
            try:
                if requests.get(url + "runningstatus", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"docgraph serve not up after {START_TIMEOUT} s:\n{_tail(log)}")
            time.sleep(0.1)

        yield Server(url, log)

        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(
                f"docgraph serve still running {STOP_TIMEOUT} s after SIGTERM:\n{_tail(log)}"
            )
        assert code == 0, f"docgraph serve exited with {code} on SIGTERM:\n{_tail(log)}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        request.config.pluginmanager.unregister(plugin)


@pytest.fixture(scope="module")
def base_url(server: Server) -> str:
    return server.url


@pytest.fixture(scope="module")
def server_log(server: Server) -> Path:
    return server.log


@pytest.fixture
def nuxeo(base_url: str) -> Nuxeo:
    return Nuxeo(host=base_url, auth=ADMIN)


@pytest.fixture
def workspace(nuxeo: Nuxeo) -> Document:
    """A new, uniquely named Workspace under /default-domain/workspaces."""
    name = unique("ws")
    ws = nuxeo.documents.create(
        Document(name=name, type="Workspace", properties={"dc:title": f"Title of {name}"}),
        parent_path=WORKSPACES,
    )
    assert isinstance(ws, Document)
    assert ws.path == f"{WORKSPACES}/{name}"
    return ws


# -- connection -------------------------------------------------------------------------


def test_server_info_and_version(nuxeo: Nuxeo) -> None:
    assert nuxeo.client.is_reachable()
    info = nuxeo.client.server_info()
    assert isinstance(info, dict), info
    version = nuxeo.client.server_version
    assert version == info["productVersion"]
    match = re.match(r"^(\d+)\.(\d+)", version)
    assert match, version
    assert (int(match[1]), int(match[2])) >= (10, 2)
    assert version in repr(nuxeo)


def test_current_user_is_administrator(nuxeo: Nuxeo) -> None:
    user = nuxeo.users.current_user()
    assert isinstance(user, User)
    assert user.id == "Administrator"
    assert user.properties["username"] == "Administrator"
    assert user.isAdministrator is True
    assert user.isAnonymous is False
    assert "administrators" in user.properties["groups"]


def test_wrong_password_is_unauthorized(base_url: str) -> None:
    intruder = Nuxeo(host=base_url, auth=("Administrator", "not the password"))
    with pytest.raises(Unauthorized) as exc:
        intruder.users.current_user()
    assert exc.value.status == 401
    with pytest.raises(Unauthorized):
        intruder.documents.get(path=WORKSPACES)
    with pytest.raises(Unauthorized):
        intruder.operations.execute(command="Document.Fetch", params={"value": WORKSPACES})


def test_missing_document_is_404(nuxeo: Nuxeo) -> None:
    missing = f"{WORKSPACES}/{unique('no such document')}"
    with pytest.raises(HTTPError) as exc:
        nuxeo.documents.get(path=missing)
    assert not isinstance(exc.value, (Unauthorized, Forbidden))
    assert exc.value.status == 404
    assert exc.value.message
    with pytest.raises(HTTPError) as exc:
        nuxeo.documents.get(uid=str(uuid.uuid4()))
    assert exc.value.status == 404


# -- documents ----------------------------------------------------------------------------


def test_create_and_read_back(nuxeo: Nuxeo, workspace: Document) -> None:
    fetched_ws = nuxeo.documents.get(path=workspace.path)
    assert fetched_ws.uid == workspace.uid
    assert fetched_ws.type == "Workspace"
    assert fetched_ws.title == workspace.properties["dc:title"]
    assert "Folderish" in fetched_ws.facets

    file_name = "Über spec"
    file = nuxeo.documents.create(
        Document(
            name=file_name,
            type="File",
            properties={"dc:title": "Über spec — v1", "dc:description": "première"},
        ),
        parent_path=workspace.path,
    )
    note = nuxeo.documents.create(
        Document(
            name="Café notes",
            type="Note",
            properties={"dc:title": "Café notes", "note:note": "déjà vu = 1"},
        ),
        parent_id=workspace.uid,
    )
    assert file.path == f"{workspace.path}/{file_name}"
    assert note.path == f"{workspace.path}/Café notes"

    for created, doc_type in ((file, "File"), (note, "Note")):
        by_path = nuxeo.documents.get(path=created.path)
        by_uid = nuxeo.documents.get(uid=created.uid)
        for doc in (by_path, by_uid):
            assert isinstance(doc, Document)
            assert doc.uid == created.uid
            assert doc.type == doc_type
            assert doc.path == created.path
            assert doc.parentRef == workspace.uid
            assert doc.repository == "default"
            assert doc.title == created.properties["dc:title"]
            assert doc.properties["dc:title"] == created.properties["dc:title"]
            assert doc.isProxy is False and doc.isVersion is False and doc.isTrashed is False
            assert doc.changeToken

    got_file = nuxeo.documents.get(path=file.path)
    assert got_file.title == "Über spec — v1"
    assert got_file.properties["dc:description"] == "première"
    assert "Versionable" in got_file.facets
    got_note = nuxeo.documents.get(uid=note.uid)
    assert got_note.properties["note:note"] == "déjà vu = 1"


def test_update_with_save(nuxeo: Nuxeo, workspace: Document) -> None:
    created = nuxeo.documents.create(
        Document(
            name="Über update",
            type="File",
            properties={"dc:title": "Keep me", "dc:description": "before"},
        ),
        parent_path=workspace.path,
    )
    doc = nuxeo.documents.get(uid=created.uid)
    token = doc.changeToken
    doc.properties["dc:description"] = "after — ünïcode"
    doc.save()  # PUTs the whole fetched model back

    again = nuxeo.documents.get(path=created.path)
    assert again.properties["dc:description"] == "after — ünïcode"
    assert again.properties["dc:title"] == "Keep me"
    assert again.title == "Keep me"
    assert again.path == created.path and again.type == "File"
    assert again.changeToken != token

    # a second round trip of the freshly fetched model works as well
    again.properties["dc:title"] = "Renamed title"
    again.save()
    third = nuxeo.documents.get(uid=created.uid)
    assert third.title == "Renamed title"
    assert third.properties["dc:description"] == "after — ünïcode"


def test_get_children(nuxeo: Nuxeo, workspace: Document) -> None:
    names = {"child a", "Über child", "child c"}
    for name in names:
        nuxeo.documents.create(
            Document(name=name, type="Note", properties={"dc:title": name.upper()}),
            parent_path=workspace.path,
        )
    for children in (
        nuxeo.documents.get_children(path=workspace.path),
        nuxeo.documents.get_children(uid=workspace.uid),
    ):
        assert all(isinstance(child, Document) for child in children)
        # like Nuxeo, the document JSON has no "name": it is the last path segment
        assert {child.path.rsplit("/", 1)[1] for child in children} == names
        assert {child.title for child in children} == {name.upper() for name in names}
        assert {child.path for child in children} == {f"{workspace.path}/{n}" for n in names}
        assert {child.parentRef for child in children} == {workspace.uid}


def test_exists(nuxeo: Nuxeo, workspace: Document) -> None:
    assert nuxeo.documents.exists(path=workspace.path) is True
    assert nuxeo.documents.exists(uid=workspace.uid) is True
    assert nuxeo.documents.exists(path=WORKSPACES) is True
    assert nuxeo.documents.exists(path=f"{workspace.path}/Über nothing") is False
    assert nuxeo.documents.exists(uid=str(uuid.uuid4())) is False


def test_delete_document_and_folder(nuxeo: Nuxeo, workspace: Document) -> None:
    doc = nuxeo.documents.create(
        Document(name="Über delete", type="File", properties={"dc:title": "gone soon"}),
        parent_path=workspace.path,
    )
    assert nuxeo.documents.exists(uid=doc.uid)
    doc.delete()
    assert nuxeo.documents.exists(uid=doc.uid) is False
    assert nuxeo.documents.exists(path=doc.path) is False

    folder = nuxeo.documents.create(
        Document(name="Über folder", type="Folder", properties={"dc:title": "folder"}),
        parent_path=workspace.path,
    )
    child = nuxeo.documents.create(
        Document(name="inner", type="Note", properties={"dc:title": "inner"}),
        parent_id=folder.uid,
    )
    grandchild_folder = nuxeo.documents.create(
        Document(name="deeper", type="Folder", properties={"dc:title": "deeper"}),
        parent_id=folder.uid,
    )
    grandchild = nuxeo.documents.create(
        Document(name="leaf", type="File", properties={"dc:title": "leaf"}),
        parent_id=grandchild_folder.uid,
    )
    nuxeo.documents.delete(folder.uid)
    for gone in (folder, child, grandchild_folder, grandchild):
        assert nuxeo.documents.exists(uid=gone.uid) is False, gone.path
        assert nuxeo.documents.exists(path=gone.path) is False, gone.path
    assert nuxeo.documents.exists(uid=workspace.uid) is True
    assert nuxeo.documents.get_children(uid=workspace.uid) == []


# -- automation ---------------------------------------------------------------------------


def test_log_operation_is_void(nuxeo: Nuxeo, server_log: Path) -> None:
    message = unique("hello from the python client")
    op = nuxeo.operations.new("Log")
    op.params = {"message": message, "level": "info"}
    assert op.execute() == b""
    assert message in server_log.read_text(errors="replace")

    raw = nuxeo.client.request(
        "POST",
        "site/automation/Log",
        data={"params": {"message": "hello", "level": "info"}},
        headers={"Content-Type": "application/json"},
    )
    assert raw.status_code == 204
    assert raw.content == b""


def test_document_fetch(nuxeo: Nuxeo, workspace: Document) -> None:
    by_path = nuxeo.operations.execute(command="Document.Fetch", params={"value": workspace.path})
    assert by_path["entity-type"] == "document"
    assert by_path["uid"] == workspace.uid
    assert by_path["path"] == workspace.path
    assert by_path["properties"]["dc:title"] == workspace.properties["dc:title"]
    by_uid = nuxeo.operations.execute(command="Document.Fetch", params={"value": workspace.uid})
    assert by_uid["path"] == workspace.path
    # X-NXVoidOperation: true -> 204, which the client returns as b""
    assert (
        nuxeo.operations.execute(
            command="Document.Fetch", void_op=True, params={"value": workspace.uid}
        )
        == b""
    )
    with pytest.raises(HTTPError) as exc:
        nuxeo.operations.execute(
            command="Document.Fetch", params={"value": f"{workspace.path}/missing"}
        )
    assert exc.value.status == 404


def test_document_create_and_update_operations(nuxeo: Nuxeo, workspace: Document) -> None:
    # `properties` travels as "key=value" lines: values may contain "=" and non-ASCII text
    created = nuxeo.operations.execute(
        command="Document.Create",
        input_obj=workspace.path,
        params={
            "type": "Note",
            "name": "Über op",
            "properties": {"dc:title": "Créé par op", "note:note": "a=b", "dc:description": "desc"},
        },
    )
    assert created["entity-type"] == "document"
    assert created["type"] == "Note"
    assert created["path"] == f"{workspace.path}/Über op"
    assert created["parentRef"] == workspace.uid
    assert created["properties"]["dc:title"] == "Créé par op"
    assert created["properties"]["note:note"] == "a=b"
    assert created["properties"]["dc:description"] == "desc"

    updated = nuxeo.operations.execute(
        command="Document.Update",
        input_obj=created["uid"],
        params={"properties": {"dc:description": "mise à jour"}},
    )
    assert updated["uid"] == created["uid"]
    assert updated["properties"]["dc:description"] == "mise à jour"
    assert updated["properties"]["dc:title"] == "Créé par op"

    stored = nuxeo.documents.get(uid=created["uid"])
    assert stored.properties["dc:description"] == "mise à jour"
    assert stored.properties["note:note"] == "a=b"
    assert stored.title == "Créé par op"

    # a list input is sent as "docs:uid1,uid2" and gives documents back
    other = nuxeo.operations.execute(
        command="Document.Create",
        input_obj=workspace.uid,
        params={"type": "File", "name": "other", "properties": {"dc:title": "Other"}},
    )
    both = nuxeo.operations.execute(
        command="Document.Update",
        input_obj=[created["uid"], other["uid"]],
        params={"properties": {"dc:description": "both"}},
    )
    assert both["entity-type"] == "documents"
    assert [e["uid"] for e in both["entries"]] == [created["uid"], other["uid"]]
    assert {e["properties"]["dc:description"] for e in both["entries"]} == {"both"}
    assert [e["title"] for e in both["entries"]] == ["Créé par op", "Other"]


def test_check_params_uses_the_catalogue(nuxeo: Nuxeo, workspace: Document) -> None:
    doc = nuxeo.operations.execute(
        command="Document.Fetch", params={"value": workspace.path}, check_params=True
    )
    assert doc["uid"] == workspace.uid
    assert nuxeo.can_use("Document.Fetch")
    assert nuxeo.can_use("Repository.GetDocument")
    assert not nuxeo.can_use("No.Such.Operation")
    with pytest.raises(BadQuery):  # rejected client-side from the catalogue's params
        nuxeo.operations.execute(
            command="Document.Fetch",
            params={"value": workspace.path, "bogus": 1},
            check_params=True,
        )
    with pytest.raises(BadQuery):
        nuxeo.operations.execute(command="Document.Fetch", params={}, check_params=True)
    created = nuxeo.operations.execute(
        command="Document.Create",
        input_obj=workspace.uid,
        check_params=True,
        params={"type": "File", "name": "checked", "properties": {"dc:title": "Checked"}},
    )
    assert created["path"] == f"{workspace.path}/checked"
    assert created["title"] == "Checked"
