-- Text extracted from files, once per content (by blob key), so that
-- ecm:fulltext finds words inside them. A write queues its documents' new
-- files in fulltext_jobs, in its own transaction (the trigger below); the
-- server drains the queue in the background (resolvers/extraction.py).
CREATE TABLE blob_text (
    blob_key text PRIMARY KEY,
    content  text NOT NULL
);

CREATE TABLE fulltext_jobs (
    document_id uuid        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    blob_key    text        NOT NULL,
    mime_type   text        NOT NULL,
    attempts    integer     NOT NULL DEFAULT 0,
    not_before  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, blob_key)
);
CREATE INDEX fulltext_jobs_due ON fulltext_jobs (not_before);

-- A document's full text: its string properties, its name, and the text of
-- its files (bounded: a tsvector must stay under 1 MB).
CREATE FUNCTION document_tsv(properties jsonb, name text) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT jsonb_to_tsvector('docgraph_text', properties, '["string"]')
           || to_tsvector('docgraph_text', name)
           || to_tsvector('docgraph_text', left(coalesce(
                  (SELECT string_agg(t.content, ' ')
                     FROM blob_text t
                    WHERE t.blob_key IN (
                          SELECT jsonb_path_query(properties, 'lax $.**.sha256') #>> '{}')),
                  ''), 200000))
$$;

CREATE OR REPLACE FUNCTION index_fulltext() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO document_fulltext (id, tsv)
    VALUES (NEW.id, document_tsv(NEW.properties, NEW.name))
    ON CONFLICT (id) DO UPDATE SET tsv = EXCLUDED.tsv;
    INSERT INTO fulltext_jobs (document_id, blob_key, mime_type)
    SELECT NEW.id, b ->> 'sha256', coalesce(b ->> 'mime-type', 'application/octet-stream')
      FROM jsonb_path_query(NEW.properties, 'lax $.** ? (exists(@.sha256))') AS b
     WHERE jsonb_typeof(b -> 'sha256') = 'string'
       AND NOT EXISTS (SELECT 1 FROM blob_text t WHERE t.blob_key = b ->> 'sha256')
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION set_fulltext_dictionary(dictionary text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    current text;
BEGIN
    SELECT d.dictname INTO current
      FROM pg_ts_config_map m
      JOIN pg_ts_config c ON c.oid = m.mapcfg
      JOIN pg_ts_dict d ON d.oid = m.mapdict
     WHERE c.cfgname = 'docgraph_text'
       AND m.maptokentype = (SELECT tokid FROM ts_token_type('default') WHERE alias = 'word')
     ORDER BY m.mapseqno DESC
     LIMIT 1;
    IF current = dictionary THEN
        RETURN false;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = dictionary) THEN
        RAISE EXCEPTION 'no text search dictionary %', dictionary
              USING ERRCODE = 'undefined_object';
    END IF;
    EXECUTE format(
        'ALTER TEXT SEARCH CONFIGURATION docgraph_text ALTER MAPPING FOR asciiword, '
        'asciihword, hword_asciipart, word, hword, hword_part WITH unaccent, %I',
        dictionary);
    UPDATE document_fulltext f
       SET tsv = document_tsv(d.properties, d.name)
      FROM documents d
     WHERE d.id = f.id;
    RETURN true;
END
$$;
