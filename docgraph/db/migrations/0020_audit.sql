-- The audit log: what happened to documents, by whom, when. Rows are written
-- in the transaction of the change they record, and never changed after:
-- the trigger refuses updates and deletes.
CREATE TABLE audit_log (
    id            bigserial   PRIMARY KEY,
    event_id      text        NOT NULL,
    category      text        NOT NULL,
    principal     text        NOT NULL,
    comment       text,
    doc_lifecycle text,
    doc_path      text,
    doc_type      text,
    doc_uuid      uuid,
    repository    text        NOT NULL,
    event_date    timestamptz NOT NULL,
    log_date      timestamptz NOT NULL DEFAULT clock_timestamp(),
    extended      jsonb       NOT NULL DEFAULT '{}'
);
-- A document's history, newest first: an index range read whatever the size
-- of the table (bench/audit.py measures it at ten million rows).
CREATE INDEX audit_log_document ON audit_log (doc_uuid, event_date DESC, id DESC);
-- Time ranges over the whole log: rows arrive in time order, so a BRIN index
-- stays a few pages for millions of rows.
CREATE INDEX audit_log_event_date ON audit_log USING brin (event_date);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT
    EXECUTE FUNCTION audit_log_is_append_only();
