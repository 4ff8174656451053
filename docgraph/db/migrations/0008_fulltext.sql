-- Full-text index: every string property value and the name, kept by a
-- trigger in the same transaction as the write (search sees a change at once).
-- 'simple': no stemming, the same for every language.
CREATE TABLE document_fulltext (
    id  uuid     PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
    tsv tsvector NOT NULL
);
CREATE INDEX document_fulltext_tsv ON document_fulltext USING gin (tsv);

CREATE FUNCTION index_fulltext() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO document_fulltext (id, tsv)
    VALUES (NEW.id,
            jsonb_to_tsvector('simple', NEW.properties, '["string"]')
            || to_tsvector('simple', NEW.name))
    ON CONFLICT (id) DO UPDATE SET tsv = EXCLUDED.tsv;
    RETURN NULL;
END
$$;

CREATE TRIGGER documents_fulltext
    AFTER INSERT OR UPDATE OF properties, name ON documents
    FOR EACH ROW EXECUTE FUNCTION index_fulltext();

INSERT INTO document_fulltext (id, tsv)
SELECT id, jsonb_to_tsvector('simple', properties, '["string"]') || to_tsvector('simple', name)
  FROM documents;

-- The column of the first migration, never filled: the table above replaces it.
ALTER TABLE documents DROP COLUMN fulltext;
