"""Persisted queries: a client sends a query's SHA-256 instead of its text.

Two modes, as Apollo's clients and routers know them:

- **automatic** (the default): a client sends ``extensions.persistedQuery``
  ``{version: 1, sha256Hash}``, alone; an unknown hash answers
  ``PERSISTED_QUERY_NOT_FOUND`` and the client sends the text with the hash
  once, which this process then remembers (a bounded cache: another process
  of a cluster simply asks for the text once too);
- **allow-list** (production): only the queries of a manifest run, sent by
  hash or by text; anything else is refused with ``query_not_allowed``. The
  manifest is Apollo's persisted-query manifest (``{"operations": [{"id",
  "body", ...}]}``) or a plain ``{"<sha256>": "<query>"}`` object.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from graphql import GraphQLError


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def _error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def load_manifest(path: Path) -> dict[str, str]:
    """Hash -> query text, from either manifest format; every hash checked."""
    data = orjson.loads(path.read_bytes())
    if isinstance(data, dict) and isinstance(data.get("operations"), list):
        queries = {op["id"]: op["body"] for op in data["operations"]}
    elif isinstance(data, dict):
        queries = data
    else:
        raise ValueError(f"{path}: not a persisted-query manifest")
    for digest, query in queries.items():
        if not isinstance(query, str) or sha256(query) != digest:
            raise ValueError(f"{path}: the query of {digest} does not have that hash")
    return queries


class PersistedQueries:
    def __init__(
        self,
        allow_list: Mapping[str, str] | None = None,
        *,
        cache_size: int = 1000,
        max_chars: int = 20_000,
    ) -> None:
        self.allow_list = dict(allow_list) if allow_list is not None else None
        self.cache_size = cache_size
        self.max_chars = max_chars  # longer texts are refused anyway: never kept
        self.remembered: OrderedDict[str, str] = OrderedDict()

    def query(self, text: str | None, extensions: Mapping[str, Any] | None) -> str:
        """The query to run, from its text or its hash; a GraphQLError (coded)
        when it cannot or may not run."""
        persisted = (extensions or {}).get("persistedQuery")
        digest = None
        if persisted is not None:
            if not isinstance(persisted, dict) or persisted.get("version") != 1:
                raise _error("Unsupported persisted query", "persisted_query_invalid")
            digest = persisted.get("sha256Hash")
            if not isinstance(digest, str):
                raise _error("Unsupported persisted query", "persisted_query_invalid")
        if self.allow_list is not None:
            return self._allowed(text, digest)
        if digest is None:
            if text is None:
                raise _error("No GraphQL query found in the request", "bad_request")
            return text
        if text is None:
            found = self.remembered.get(digest)
            if found is None:
                raise _error("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            self.remembered.move_to_end(digest)
            return found
        if sha256(text) != digest:
            raise _error("The query does not have the hash sent with it", "persisted_query_invalid")
        if len(text) > self.max_chars:
            return text
        self.remembered[digest] = text
        if len(self.remembered) > self.cache_size:
            self.remembered.popitem(last=False)
        return text

    def _allowed(self, text: str | None, digest: str | None) -> str:
        assert self.allow_list is not None
        if digest is None:
            if text is None:
                raise _error("No GraphQL query found in the request", "bad_request")
            digest = sha256(text)
        found = self.allow_list.get(digest)
        if found is None:
            raise _error("Only the queries of the allow-list run here", "query_not_allowed")
        return found
