"""Render.Document: a FreeMarker subset over documents, through automation;
templates outside the subset, missing values and MVEL are refused."""

from __future__ import annotations

import uuid

import pytest

from .helpers import API, WS


@pytest.fixture
async def notes(client):
    name = f"render-{uuid.uuid4().hex[:6]}"
    resp = await client.post(
        f"{API}/path{WS}", json={"entity-type": "document", "type": "Folder", "name": name}
    )
    folder = await resp.json()
    made = []
    for title, text in (("First <one>", "alpha"), ("Second", "beta")):
        resp = await client.post(
            f"{API}/id/{folder['uid']}",
            json={
                "entity-type": "document",
                "type": "Note",
                "name": title.split()[0].lower(),
                "properties": {"dc:title": title, "note:note": text},
            },
        )
        made.append(await resp.json())
    return made


async def render(client, input_, template, **params):
    resp = await client.post(
        f"{API}/automation/Render.Document",
        json={"input": input_, "params": {"template": template, **params}},
    )
    return resp


async def test_one_document_rendered(client, notes):
    doc = notes[0]
    template = (
        '<doc id="${This.uid}">${This.title?html} / ${This["note:note"]?upper_case}'
        ' / ${This.dublincore.creator} / ${This.missing!"none"}'
        '<#if This.type == "Note"> a note<#else> not a note</#if>'
        "<#-- a comment --> by ${CurrentUser.name}</doc>"
    )
    resp = await render(client, doc["uid"], template, filename="one.xml")
    assert resp.status == 200, await resp.text()
    assert resp.headers["Content-Type"].startswith("text/xml")
    assert "one.xml" in resp.headers["Content-Disposition"]
    assert (await resp.read()).decode() == (
        f'<doc id="{doc["uid"]}">First &lt;one&gt; / ALPHA / Administrator / none'
        " a note by Administrator</doc>"
    )


async def test_a_list_rendered_in_one_file(client, notes):
    template = (
        "<#list This as doc>${doc_index + 1}. ${doc.title}"
        "<#if doc_has_next>, </#if></#list> (${This?size}, ${This[0].note.note??})"
        "<#if This?size gt 1> many<#elseif This?size lte 1> one</#if>"
    )
    ids = ",".join(n["uid"] for n in notes)
    resp = await render(client, f"docs:{ids}", template, mimetype="text/plain")
    assert resp.status == 200, await resp.text()
    assert (await resp.read()).decode() == "1. First <one>, 2. Second (2, true) many"


BAD = [
    "${This.nothing}",  # a missing value without a default
    "<#include 'other.ftl'>",  # not in the subset
    "<#if This.title>x</#if>",  # a condition that is not a boolean
    "<#list This.title as x>${x}</#list>",  # not a list
    "<#if true>unclosed",
    "</#list>",
    "<#else>",
    "${This.title?eval}",
    "${This.uid +}",
    "${This.title < 3}",
    "<#list This as>x</#list>",
    "<#if true>" * 40 + "</#if>" * 40,
]


@pytest.mark.parametrize("template", BAD, ids=range(len(BAD)))
async def test_templates_outside_the_subset_are_refused(client, notes, template):
    resp = await render(client, notes[0]["uid"], template)
    assert resp.status == 400, await resp.text()
    assert (await resp.json())["entity-type"] == "exception"


async def test_mvel_named_templates_and_huge_output_are_refused(client, notes):
    resp = await render(client, notes[0]["uid"], "${This.title}", type="mvel")
    assert resp.status == 400
    resp = await render(client, notes[0]["uid"], "template:summary")
    assert resp.status == 404
    # A loop cannot write more than the output limit.
    words = "<#list [1] as a>x</#list>"
    resp = await render(client, notes[0]["uid"], words)
    assert resp.status == 400  # no list literals in the subset
    big = "${This.title}" * 5_000
    resp = await render(client, notes[0]["uid"], big)
    assert resp.status == 200
    # Nested loops over the input: bounded in steps, answered quickly.
    ids = ",".join([notes[0]["uid"], notes[1]["uid"]] * 40)
    nested = "<#list This as a>" * 30 + "." + "</#list>" * 30
    resp = await render(client, f"docs:{ids}", nested)
    assert resp.status == 400
    assert "steps" in (await resp.json())["message"]
