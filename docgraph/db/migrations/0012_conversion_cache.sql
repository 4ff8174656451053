-- Converted blobs (renditions, @convert), by the source's key, the converter
-- and its parameters: a conversion runs once per content. Rows are hints: a
-- result collected by gc-blobs is converted again.
CREATE TABLE conversion_cache (
    source_key text        NOT NULL,
    converter  text        NOT NULL,
    params     text        NOT NULL,
    blob_key   text        NOT NULL,
    md5        text        NOT NULL,
    length     bigint      NOT NULL,
    mime_type  text        NOT NULL,
    name       text        NOT NULL,
    created    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_key, converter, params)
);
