-- Who asked to hear about what happens to a document (and, for a folder,
-- to what it holds): Nuxeo's notification subscriptions.
CREATE TABLE notification_subscriptions (
    document_id  uuid        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    username     text        NOT NULL,
    notification text        NOT NULL,
    created      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, username, notification)
);
CREATE INDEX notification_subscriptions_user ON notification_subscriptions (username);
