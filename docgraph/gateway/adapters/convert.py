"""``@convert``: a document's main blob, or the blob on the left
(``@blob/{xpath}/@convert``), converted by ``converter``, to a MIME ``type``,
or to a file ``format``; other parameters go to the converter. ``POST`` with
``async=true`` (a form, as the JavaScript client sends it) schedules the
conversion and answers 202 with where to poll (``/conversions/{id}``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aiohttp import web

from docgraph.gateway.nuxeo.json import json_response
from docgraph.gateway.nuxeo.request import request_of
from docgraph.plugins import Adapter
from docgraph.resolvers import blobs, conversion_jobs, conversions
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Blob, Document

if TYPE_CHECKING:
    from docgraph.plugins import Call, Registry

_CHOICE = ("converter", "type", "format")


async def convert(ctx: RequestContext, subject: Any, args: tuple[str, ...], call: Call) -> Any:
    blob = subject if isinstance(subject, Blob) else blobs.get(ctx, subject, "blobholder:0")
    given: Mapping[str, str] = call.query
    if call.method == "POST":
        request = request_of(call)
        if request.content_type == "application/x-www-form-urlencoded":
            given = {**call.query, **{k: str(v) for k, v in (await request.post()).items()}}
    converter, mime_type, fmt = given.get("converter"), given.get("type"), given.get("format")
    params = {k: v for k, v in given.items() if k not in _CHOICE and k != "async"}
    if call.method == "POST" and given.get("async", "").lower() == "true":
        job = await conversion_jobs.schedule(
            ctx, blob, converter=converter, mime_type=mime_type, format=fmt, params=params
        )
        return scheduled(ctx, job)
    return await conversions.convert(
        ctx, blob, converter=converter, mime_type=mime_type, format=fmt, params=params
    )


def scheduled(ctx: RequestContext, job: conversion_jobs.Job) -> web.Response:
    base = f"{ctx.base_url}api/v1/conversions/{job.id}"
    body = {
        "entity-type": "conversionScheduled",
        "conversionId": str(job.id),
        "pollingURL": f"{base}/poll",
        "resultURL": f"{base}/result",
    }
    return json_response(body, 202, {"Location": f"{base}/poll"})


def register(registry: Registry) -> None:
    registry.add_adapter(
        Adapter("convert", convert, accepts=(Document, Blob), methods=frozenset({"GET", "POST"}))
    )
