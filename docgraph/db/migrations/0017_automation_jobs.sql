-- Operations run asynchronously (POST /automation/{op}/@async): their
-- status and, once done, the answer kept for its owner to fetch once.
CREATE TABLE automation_jobs (
    id           uuid        PRIMARY KEY,
    owner        text        NOT NULL,
    status       text        NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'completed', 'failed')),
    http_status  integer,
    content_type text,
    body         bytea,
    created      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX automation_jobs_created ON automation_jobs (created);
