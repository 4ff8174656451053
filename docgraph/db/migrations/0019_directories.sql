-- Directory entries (vocabularies): each a JSON object of its schema's
-- fields, in the order they were added (position), which is the order
-- listings use. directory_seeds remembers which directories got their
-- starting entries, so that entries an administrator removed stay removed.
CREATE TABLE directory_entries (
    directory  text   NOT NULL,
    id         text   NOT NULL,
    position   bigserial,
    properties jsonb  NOT NULL,
    PRIMARY KEY (directory, id)
);
CREATE INDEX directory_entries_order ON directory_entries (directory, position);

CREATE TABLE directory_seeds (
    directory text        PRIMARY KEY,
    seeded    timestamptz NOT NULL DEFAULT now()
);
