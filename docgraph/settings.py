"""Runtime settings: one typed object, read from ``DOCGRAPH_*`` variables and CLI flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


class ConfigurationError(Exception):
    """A setting the server cannot run with; start-up stops with its message."""


@dataclass(frozen=True, slots=True)
class Settings:
    # None: every interface, or localhost only while Administrator still has
    # the default password.
    host: str | None = None
    port: int = 8080
    workers: int = 1
    # "uvloop" (default) or "asyncio".
    event_loop: str = "uvloop"
    data_dir: Path = Path("docgraph-data")
    # None means: run the embedded PostgreSQL under ``data_dir``.
    database_url: str | None = None
    pool_min_size: int = 2
    pool_max_size: int = 10
    # Requests that may wait for a connection, and for how long (then 503).
    pool_max_waiting: int = 256
    pool_timeout: float = 10.0
    # Seconds a mutating request's body may take to arrive (then 408), and
    # a whole request may take (then 503, its work cancelled).
    body_timeout: float = 30.0
    request_timeout: float = 60.0
    # How often ACEs whose begin or end has passed are applied to read_acl.
    acl_refresh_interval: float = 60.0
    log_level: str = "INFO"
    debug: bool = False
    # Seconds a verified Basic credential stays cached (0 disables the cache).
    auth_cache_seconds: float = 60.0
    # Failed logins an address may make in the window before it gets 429s.
    auth_failure_window: float = 60.0
    auth_failures_per_address: int = 20
    max_page_size: int = 1000
    # Automation: documents in one input list, and documents gathered by an
    # operation run over a list.
    max_input_documents: int = 1000
    max_result_documents: int = 10_000
    # Bulk commands a user may have waiting or running at once (429 beyond),
    # and the largest batch (one unit of work) a command may ask for.
    bulk_max_unfinished: int = 10
    bulk_max_batch_size: int = 1000
    default_page_size: int = 50
    # A REST page of children of at least this many entries is written by
    # PostgreSQL when it can be (gateway/nuxeo/listings.py). Below, Python
    # writes it sooner: the statement's planning and parameters cost a fixed
    # half millisecond or so (bench/rest_children.py).
    rest_pages_written_from: int = 200
    # Search and listing totals are exact up to this many results; beyond,
    # resultsCount is -2 (counting a million matches costs what reading them
    # does).
    search_count_limit: int = 1000
    # An aggregate counts at most this many of a search's documents (counting
    # a million matches by six aggregates took 15 s, 10,000 about 35 ms);
    # beyond, its counts say so.
    aggregate_limit: int = 10_000
    graphql_max_depth: int = 15
    graphql_max_aliases: int = 50
    # Fields selected times the page sizes below them (see docgraph/schema/limits.py).
    graphql_max_cost: int = 100_000
    graphql_max_query_chars: int = 20_000
    graphql_max_tokens: int = 5_000
    # Off in production hides the schema from whoever holds an account.
    graphql_introspection: bool = True
    # A persisted-query manifest: when set, only its queries run (by hash or text).
    graphql_allow_list: str | None = None
    # Operations (subscriptions mostly) running at once on one WebSocket.
    graphql_max_socket_operations: int = 20
    # Subscriptions one process follows at once, all sockets together.
    graphql_max_subscriptions: int = 10_000
    # JSON bodies (documents, automation, GraphQL); uploads stream separately.
    max_json_body: int = 1024 * 1024
    # Where blob bytes go: "filesystem" (under blob_dir, by default
    # data_dir/blobs) or "s3" (any S3-compatible storage: the s3_* settings;
    # credentials may also come from the usual AWS_* variables).
    blob_store: str = "filesystem"
    blob_dir: Path | None = None
    s3_bucket: str | None = None
    s3_prefix: str = ""
    s3_endpoint: str | None = None
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    # Direct uploads to S3 (the "s3" upload handler): the role clients get
    # temporary credentials of, and for how long (seconds). Unset: none.
    s3_role_arn: str | None = None
    s3_direct_upload_ttl: float = 3600.0
    # Batch upload: one file's size (413 beyond), files in one batch, and how
    # long a batch lives after its last use (seconds).
    max_upload_size: int = 10 * 1024**3
    max_batch_files: int = 1000
    batch_ttl: float = 6 * 3600.0
    # How often the server looks for files whose text to extract (seconds).
    extraction_interval: float = 1.0
    migrate_on_start: bool = True
    # Shortest password accepted when one is set (400 below it).
    password_min_length: int = 4
    # Administrator's password when the account is created (first start only).
    admin_password: str | None = None
    # Tokens are derived with this secret; None: a random one kept in the database.
    token_secret: str | None = None
    # The text-search dictionary full text uses after folding accents:
    # "simple" (no stemming) or a PostgreSQL one such as english_stem.
    fulltext_dictionary: str = "simple"
    # Browser origins allowed to call the APIs (CORS); "*" allows any. Empty: none.
    cors_origins: tuple[str, ...] = ()
    # JWT bearer tokens (Authorization: Bearer): an HS256 secret, or an RS256/ES256
    # public key (PEM text); the user is the "sub" claim. Unset: no bearer tokens.
    jwt_secret: str | None = None
    jwt_public_key: str | None = None
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    # Where invitation e-mails go out; no host: they are not sent (a log line says so).
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "docgraph@localhost"
    # Values of vocabulary-backed fields (dc:nature, dc:subjects, dc:coverage)
    # must be entries of their directories (Nuxeo's document validation).
    validate_vocabularies: bool = True
    # Blob downloads (@blob, nxfile) are written to the audit log ("download").
    audit_downloads: bool = False
    # Automation chains declared in a JSON file (docgraph/plugins/chains.py).
    chains_file: Path | None = None
    plugins: tuple[str, ...] | None = None
    disabled_plugins: tuple[str, ...] = field(default_factory=tuple)

    def with_host(self, host: str) -> Settings:
        return replace(self, host=host)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``DOCGRAPH_<FIELD>`` variables, then explicit overrides."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"DOCGRAPH_{f.name.upper()}")
            if raw is not None and raw != "":
                values[f.name] = _parse(f.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)


_BOOL_TRUE = {"1", "true", "yes", "on"}


def _parse(name: str, raw: str) -> Any:
    default = getattr(Settings(), name)
    if name in ("plugins", "disabled_plugins", "cors_origins"):
        return tuple(p.strip() for p in raw.split(",") if p.strip())
    if isinstance(default, bool):
        return raw.strip().lower() in _BOOL_TRUE
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, Path) or name in ("blob_dir", "chains_file"):
        return Path(raw)
    return raw
