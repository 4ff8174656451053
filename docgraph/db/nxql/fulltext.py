"""Nuxeo's full-text query syntax to a PostgreSQL tsquery.

Words are ANDed, ``OR`` between words (AND binds tighter), ``-word`` excludes,
``+word`` is a plain word, ``"a phrase"``, ``word*`` (or ``word%``) for a
prefix. Only letters and digits of the user's text reach the tsquery, each
lexeme quoted: the tsquery operators are the compiler's, never the user's.
"""

from __future__ import annotations

import re

from docgraph.db.nxql.parser import QueryParseError

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 64


def _lexemes(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _term(raw: str) -> tuple[str | None, bool]:
    """A word or phrase as a tsquery fragment (None: punctuation only), and
    whether it is excluded."""
    negative = raw.startswith("-")
    if raw[:1] in "+-":
        raw = raw[1:]
        if not raw:
            raise QueryParseError("A lone + or - in a full-text query")
    prefix = raw.endswith(("*", "%"))
    words = _lexemes(raw)
    if not words:
        return None, negative
    fragment = " <-> ".join(f"'{w}'" for w in words)
    if prefix:
        fragment = f"{fragment}:*"
    if len(words) > 1:
        fragment = f"({fragment})"
    return (f"!{fragment}" if negative else fragment), negative


def to_tsquery(text: str) -> str | None:
    """The tsquery text for a full-text query; None when it can match nothing
    (only excluded words, or nothing but punctuation)."""
    if text.count('"') % 2:
        raise QueryParseError("Unterminated phrase in a full-text query")
    groups: list[list[tuple[str, bool]]] = [[]]
    expect_term = True
    tokens = list(_TOKEN.finditer(text))
    if len(tokens) > MAX_TERMS:
        raise QueryParseError(f"At most {MAX_TERMS} terms in a full-text query")
    for match in tokens:
        phrase, word = match.groups()
        if word is not None and word.upper() == "OR":
            if expect_term:
                raise QueryParseError("OR without a term before it in a full-text query")
            groups.append([])
            expect_term = True
            continue
        fragment, negative = _term(f'"{phrase}"' if phrase is not None else word)
        expect_term = False
        if fragment is not None:
            groups[-1].append((fragment, negative))
    if expect_term and len(groups) > 1:
        raise QueryParseError("OR without a term after it in a full-text query")
    # A group of only excluded words matches nothing, as in Nuxeo.
    kept = [g for g in groups if any(not negative for _, negative in g)]
    if not kept:
        return None
    return " | ".join("(" + " & ".join(f for f, _ in group) + ")" for group in kept)
