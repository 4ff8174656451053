"""The conversion cache (see migration 0012)."""

from __future__ import annotations

from docgraph.db.pool import Database, Record
from docgraph.db.queries import Q


async def cached(db: Database, source_key: str, converter: str, params: str) -> Record | None:
    return await db.fetchrow(Q.conversions.cached, source_key, converter, params)


async def remember(
    db: Database,
    source_key: str,
    converter: str,
    params: str,
    *,
    blob_key: str,
    md5: str,
    length: int,
    mime_type: str,
    name: str,
) -> None:
    await db.execute(
        Q.conversions.remember,
        source_key,
        converter,
        params,
        blob_key,
        md5,
        length,
        mime_type,
        name,
    )
