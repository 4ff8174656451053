-- Requests sent with an Idempotency-Key: the first runs, a concurrent one
-- gets 409, later ones get the first one's answer again. Keys are per user.
CREATE TABLE idempotent_requests (
    owner        text        NOT NULL,
    key          text        NOT NULL,
    done         boolean     NOT NULL DEFAULT false,
    status       integer,
    content_type text,
    body         bytea,
    started      timestamptz NOT NULL DEFAULT now(),
    expires      timestamptz NOT NULL,
    PRIMARY KEY (owner, key)
);
CREATE INDEX idempotent_requests_expires ON idempotent_requests (expires);
