-- Batch uploads (REST /upload). A batch belongs to the user who opened it and
-- lives until it expires; its files and chunks point at blobs in the blob
-- store by key (SHA-256), so any gateway process can serve any batch.
CREATE TABLE upload_batches (
    id       text        PRIMARY KEY,
    owner    text        NOT NULL,
    handler  text        NOT NULL,
    created  timestamptz NOT NULL DEFAULT now(),
    expires  timestamptz NOT NULL
);
CREATE INDEX upload_batches_expires ON upload_batches (expires);

CREATE TABLE upload_files (
    batch_id      text    NOT NULL REFERENCES upload_batches (id) ON DELETE CASCADE,
    idx           integer NOT NULL,
    name          text    NOT NULL,
    mime_type     text    NOT NULL,
    -- X-File-Size as the client announced it.
    declared_size bigint,
    upload_type   text    NOT NULL CHECK (upload_type IN ('normal', 'chunked')),
    chunk_count   integer,
    -- Null until the content is complete (every chunk received).
    blob_key      text,
    md5           text,
    length        bigint,
    PRIMARY KEY (batch_id, idx)
);

CREATE TABLE upload_chunks (
    batch_id text    NOT NULL,
    idx      integer NOT NULL,
    chunk    integer NOT NULL,
    blob_key text    NOT NULL,
    length   bigint  NOT NULL,
    PRIMARY KEY (batch_id, idx, chunk),
    FOREIGN KEY (batch_id, idx) REFERENCES upload_files (batch_id, idx) ON DELETE CASCADE
);
