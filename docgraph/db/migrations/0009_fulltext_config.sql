-- Full text folds accents: "café" matches "cafe". The configuration is
-- docgraph_text: unaccent, then a dictionary chosen by the
-- DOCGRAPH_FULLTEXT_DICTIONARY setting (simple by default: no stemming), which
-- set_fulltext_dictionary() applies at start-up when it changes.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION docgraph_text (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION docgraph_text
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, simple;

CREATE OR REPLACE FUNCTION index_fulltext() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO document_fulltext (id, tsv)
    VALUES (NEW.id,
            jsonb_to_tsvector('docgraph_text', NEW.properties, '["string"]')
            || to_tsvector('docgraph_text', NEW.name))
    ON CONFLICT (id) DO UPDATE SET tsv = EXCLUDED.tsv;
    RETURN NULL;
END
$$;

-- The dictionary after unaccent for words; the full-text index is rebuilt
-- when it changes. Returns true when it changed.
CREATE FUNCTION set_fulltext_dictionary(dictionary text) RETURNS boolean
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
       SET tsv = jsonb_to_tsvector('docgraph_text', d.properties, '["string"]')
                 || to_tsvector('docgraph_text', d.name)
      FROM documents d
     WHERE d.id = f.id;
    RETURN true;
END
$$;

UPDATE document_fulltext f
   SET tsv = jsonb_to_tsvector('docgraph_text', d.properties, '["string"]')
             || to_tsvector('docgraph_text', d.name)
  FROM documents d
 WHERE d.id = f.id;
