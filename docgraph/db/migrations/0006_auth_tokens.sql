-- Secrets the server derives values from (the token secret, unless settings give one).
CREATE TABLE server_secrets (
    name  text  PRIMARY KEY,
    value bytea NOT NULL
);

-- Authentication tokens, one per (user, application, device). The token itself
-- is never stored: only its SHA-256, and the nonce it is derived from with the
-- token secret (see resolvers/tokens.py), so that the same triplet gets the
-- same token again, as Nuxeo answers.
CREATE TABLE auth_tokens (
    token_hash         bytea       PRIMARY KEY,
    username           text        NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    application        text        NOT NULL,
    device_id          text        NOT NULL,
    device_description text,
    permission         text        NOT NULL,
    nonce              bytea       NOT NULL,
    created            timestamptz NOT NULL DEFAULT now(),
    UNIQUE (username, application, device_id)
);
