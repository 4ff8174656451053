-- Relations between documents (Nuxeo's relation service, its default
-- graph): subject --predicate--> object, gone with either document.
CREATE TABLE document_relations (
    subject_id uuid        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    predicate  text        NOT NULL,
    object_id  uuid        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    author     text        NOT NULL,
    created    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subject_id, predicate, object_id)
);
CREATE INDEX document_relations_object ON document_relations (object_id, predicate);
