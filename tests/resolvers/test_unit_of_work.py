"""The unit of work: one transaction, change events to loaders and listeners."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from docgraph import plugins
from docgraph.errors import BadRequest
from docgraph.resolvers import documents, events
from docgraph.resolvers.events import ChangeEvent
from docgraph.resolvers.model import PathRef

WORKSPACES = PathRef("/default-domain/workspaces")


@pytest.fixture
def heard() -> dict[str, list[ChangeEvent]]:
    return {"before_commit": [], "after_commit": []}


@pytest.fixture
def listening(heard) -> plugins.Registry:
    def listen(registry: plugins.Registry) -> None:
        for phase in heard:

            async def listener(ctx, batch: Sequence[ChangeEvent], phase=phase) -> None:
                heard[phase].extend(batch)

            registry.add_listener(listener, phase=phase)  # type: ignore[arg-type]

    return plugins.build_registry(enabled=(), extra=[("listen", listen)])


async def test_listeners_hear_the_events_of_a_committed_unit(make_ctx, listening, heard):
    ctx = make_ctx(registry=listening)
    async with ctx.unit_of_work():
        parent = await documents.get(ctx, WORKSPACES)
        doc = await documents.create(ctx, parent, type_name="Folder", name="heard")
        await documents.update(ctx, doc, {"dc:title": "Heard"})
        assert heard["after_commit"] == []  # not before the commit
    kinds = [(e.kind, e.doc_id) for e in heard["after_commit"]]
    assert kinds == [(events.CREATED, doc.id), (events.MODIFIED, doc.id)]
    assert heard["before_commit"] == heard["after_commit"]
    assert heard["after_commit"][0].principal == "Administrator"


async def test_a_rolled_back_unit_delivers_nothing_and_keeps_nothing(make_ctx, listening, heard):
    ctx = make_ctx(registry=listening)
    with pytest.raises(BadRequest):
        async with ctx.unit_of_work():
            parent = await documents.get(ctx, WORKSPACES)
            await documents.create(ctx, parent, type_name="Folder", name="lost")
            # Read back inside the unit: the loaders saw the event at once.
            assert (await documents.load(ctx, PathRef(f"{WORKSPACES.path}/lost"))) is not None
            raise BadRequest("client mistake")
    assert heard == {"before_commit": [], "after_commit": []}
    assert await documents.load(make_ctx(), PathRef(f"{WORKSPACES.path}/lost")) is None
    # The loaders forgot the row written by the rolled-back unit.
    assert await documents.load(ctx, PathRef(f"{WORKSPACES.path}/lost")) is None


async def test_a_failing_before_commit_listener_rolls_the_unit_back(make_ctx):
    async def refuse(ctx, batch) -> None:
        raise BadRequest("refused by a listener")

    registry = plugins.build_registry(
        enabled=(), extra=[("refuse", lambda r: r.add_listener(refuse, phase="before_commit"))]
    )
    ctx = make_ctx(registry=registry)
    with pytest.raises(BadRequest, match="refused"):
        async with ctx.unit_of_work():
            parent = await documents.get(ctx, WORKSPACES)
            await documents.create(ctx, parent, type_name="Folder", name="refused")
    assert await documents.load(make_ctx(), PathRef(f"{WORKSPACES.path}/refused")) is None


async def test_a_failing_after_commit_listener_does_not_undo_the_change(make_ctx, caplog):
    async def broken(ctx, batch) -> None:
        raise RuntimeError("listener bug")

    registry = plugins.build_registry(enabled=(), extra=[("b", lambda r: r.add_listener(broken))])
    ctx = make_ctx(registry=registry)
    async with ctx.unit_of_work():
        parent = await documents.get(ctx, WORKSPACES)
        await documents.create(ctx, parent, type_name="Folder", name="kept")
    assert await documents.load(make_ctx(), PathRef(f"{WORKSPACES.path}/kept")) is not None
    assert "change listener" in caplog.text


async def test_writes_need_a_unit_and_units_do_not_nest(make_ctx):
    ctx = make_ctx()
    parent = await documents.get(ctx, WORKSPACES)
    with pytest.raises(RuntimeError, match="unit of work"):
        await documents.create(ctx, parent, type_name="Folder", name="nowhere")
    async with ctx.unit_of_work():
        with pytest.raises(RuntimeError, match="already open"):
            async with ctx.unit_of_work():
                pass
    assert ctx.unit is None
