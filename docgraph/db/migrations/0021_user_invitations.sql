-- Invitations: a request that someone become a user, with the account it
-- asks for. An accepted invitation sent by e-mail carries a one-time token
-- (only its SHA-256 is kept) with which the invitee chooses a password.
CREATE TABLE user_invitations (
    id                uuid        PRIMARY KEY,
    username          text        NOT NULL,
    email             text,
    first_name        text,
    last_name         text,
    company           text,
    groups            text[]      NOT NULL DEFAULT '{}',
    comment           text,
    info              jsonb       NOT NULL DEFAULT '{}',
    -- email or none.
    validation_method text        NOT NULL,
    -- pending, accepted, rejected or validated.
    state             text        NOT NULL,
    token_hash        bytea       UNIQUE,
    requested_by      text        NOT NULL,
    created           timestamptz NOT NULL DEFAULT now(),
    ended             timestamptz
);
CREATE INDEX user_invitations_open ON user_invitations (created) WHERE state IN ('pending', 'accepted');
