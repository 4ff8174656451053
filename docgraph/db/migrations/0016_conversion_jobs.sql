-- Conversions asked for asynchronously (POST @convert with async=true): run
-- by the server in the background, polled and fetched by their owner.
CREATE TABLE conversion_jobs (
    id         uuid        PRIMARY KEY,
    owner      text        NOT NULL,
    -- The source blob's stored form, and what to make of it.
    source     jsonb       NOT NULL,
    converter  text,
    mime_type  text,
    format     text,
    params     jsonb       NOT NULL DEFAULT '{}',
    status     text        NOT NULL DEFAULT 'scheduled'
               CHECK (status IN ('scheduled', 'running', 'completed', 'failed')),
    result     jsonb,
    error      text,
    attempts   integer     NOT NULL DEFAULT 0,
    not_before timestamptz NOT NULL DEFAULT now(),
    created    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversion_jobs_due ON conversion_jobs (not_before)
    WHERE status IN ('scheduled', 'running');
CREATE INDEX conversion_jobs_created ON conversion_jobs (created);
