"""REST URL parsing: a table of URLs and the steps they become."""

from __future__ import annotations

import pytest

from docgraph.errors import NotFound
from docgraph.gateway.nuxeo.parse import EndpointRoot, IdRoot, PathRoot, Route, Step, parse

CASES = [
    ("/path/", Route(None, PathRoot("/"))),
    ("/path", Route(None, PathRoot("/"))),
    ("/path/a/b/", Route(None, PathRoot("/a/b"))),
    ("/path/My%20WS%20%C3%A9/x", Route(None, PathRoot("/My WS é/x"))),
    ("/repo/default/path/a", Route("default", PathRoot("/a"))),
    ("/id/abc", Route(None, IdRoot("abc"))),
    ("/id/abc/child/grand", Route(None, IdRoot("abc", ("child", "grand")))),
    ("/path/ws/@children", Route(None, PathRoot("/ws"), (Step("children"),))),
    (
        "/path/ws/@children/@op/Document.Lock",
        Route(None, PathRoot("/ws"), (Step("children"), Step("op", ("Document.Lock",)))),
    ),
    (
        "/id/X/@blob/files:files/0/file/@op/Blob.ToPDF",
        Route(
            None,
            IdRoot("X"),
            (Step("blob", ("files:files", "0", "file")), Step("op", ("Blob.ToPDF",))),
        ),
    ),
    ("/@children", Route(None, PathRoot("/"), (Step("children"),))),
    ("/automation/Document.Fetch", Route(None, EndpointRoot("automation", ("Document.Fetch",)))),
    ("/me", Route(None, EndpointRoot("me"))),
    ("/repo/other/me/", Route("other", EndpointRoot("me"))),
]


@pytest.mark.parametrize(("url", "route"), CASES)
def test_parse(url, route):
    assert parse(url) == route


@pytest.mark.parametrize("url", ["", "/", "/id", "/id/"])
def test_parse_refuses_incomplete_urls(url):
    with pytest.raises(NotFound):
        parse(url)
