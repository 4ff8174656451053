-- Bulk actions (Bulk.RunAction, POST /search/bulk/{action}): a command runs
-- an action over the documents its query found when it was scrolled, in
-- batches, in the background of any server process; its status is kept for
-- the user who submitted it.
CREATE TABLE bulk_commands (
    id               uuid        PRIMARY KEY,
    action           text        NOT NULL,
    username         text        NOT NULL,
    repository       text        NOT NULL,
    -- NXQL, its parameters already in.
    query            text        NOT NULL,
    params           jsonb       NOT NULL DEFAULT '{}',
    batch_size       integer     NOT NULL,
    state            text        NOT NULL DEFAULT 'SCHEDULED'
                     CHECK (state IN ('SCHEDULED', 'RUNNING', 'COMPLETED', 'ABORTED')),
    abort_requested  boolean     NOT NULL DEFAULT false,
    total            bigint,
    processed        bigint      NOT NULL DEFAULT 0,
    error_count      bigint      NOT NULL DEFAULT 0,
    error_message    text,
    -- The position (in bulk_command_documents) of the last document done:
    -- a command taken over after a crash goes on from there.
    done_position    bigint      NOT NULL DEFAULT 0,
    -- A worker holds a running command until then.
    lease_until      timestamptz,
    submitted        timestamptz NOT NULL DEFAULT now(),
    scroll_start     timestamptz,
    scroll_end       timestamptz,
    processing_start timestamptz,
    processing_end   timestamptz,
    completed        timestamptz
);
CREATE INDEX bulk_commands_due ON bulk_commands (submitted)
    WHERE state IN ('SCHEDULED', 'RUNNING');
CREATE INDEX bulk_commands_user ON bulk_commands (username, submitted);

-- The documents a command's query found when it was scrolled, in order.
CREATE TABLE bulk_command_documents (
    command_id  uuid   NOT NULL REFERENCES bulk_commands (id) ON DELETE CASCADE,
    position    bigint NOT NULL,
    document_id uuid   NOT NULL,
    PRIMARY KEY (command_id, position)
);
