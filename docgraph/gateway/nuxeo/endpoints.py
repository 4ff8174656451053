"""Root endpoints of ``/api/v1`` other than documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docgraph.gateway.nuxeo.automation import automation_endpoint
from docgraph.gateway.nuxeo.upload import upload_endpoint
from docgraph.plugins import Endpoint

if TYPE_CHECKING:
    from docgraph.plugins import Registry


def register(registry: Registry) -> None:
    registry.add_endpoint(
        # Streaming: a multipart request's files go to the store before its
        # unit of work opens (the endpoint opens it itself).
        Endpoint(
            "automation",
            automation_endpoint,
            frozenset({"GET", "HEAD", "POST", "DELETE"}),
            streaming=True,
        )
    )
    registry.add_endpoint(
        Endpoint(
            "upload",
            upload_endpoint,
            frozenset({"GET", "HEAD", "POST", "DELETE"}),
            streaming=True,
        )
    )
