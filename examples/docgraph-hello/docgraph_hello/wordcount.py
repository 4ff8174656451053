"""Counting the words of a document: one engine function, exposed three ways
(the ``@wordcount`` adapter, the ``wordcount`` enricher, a GraphQL field)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docgraph.plugins import Call
from docgraph.resolvers.context import RequestContext
from docgraph.resolvers.model import Document

_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class WordCount:
    title: int
    description: int
    note: int

    @property
    def total(self) -> int:
        return self.title + self.description + self.note


def _words(text: Any) -> int:
    return len(_WORD.findall(_TAG.sub(" ", text))) if isinstance(text, str) else 0


def count(doc: Document) -> WordCount:
    """Words of the title, the description and the note text (HTML tags aside)."""
    props = doc.properties
    return WordCount(
        title=_words(props.get("dc:title")),
        description=_words(props.get("dc:description")),
        note=_words(props.get("note:note")),
    )


async def adapter(
    ctx: RequestContext, doc: Document, args: tuple[str, ...], call: Call
) -> dict[str, Any]:
    """``GET /id/{id}/@wordcount``. Returning an entity (a dict with an
    ``entity-type``) is enough: the REST door writes it as it is."""
    counted = count(doc)
    return {
        "entity-type": "wordcount",
        "uid": doc.uid,
        "title": counted.title,
        "description": counted.description,
        "note": counted.note,
        "total": counted.total,
    }


async def enricher(ctx: RequestContext, docs: Sequence[Document]) -> list[int]:
    """``enrichers.document: wordcount``: one total per document of the page."""
    return [count(doc).total for doc in docs]
