-- name: claim_jobs
-- Jobs due, leased for $2 seconds: a worker that dies leaves them to another.
UPDATE fulltext_jobs
   SET attempts = attempts + 1, not_before = now() + make_interval(secs => $2)
 WHERE (document_id, blob_key) IN (SELECT document_id, blob_key
                                     FROM fulltext_jobs
                                    WHERE not_before <= now()
                                    ORDER BY not_before
                                    LIMIT $1
                                      FOR UPDATE SKIP LOCKED)
RETURNING document_id, blob_key, mime_type, attempts

-- name: has_text
SELECT EXISTS (SELECT 1 FROM blob_text WHERE blob_key = $1)

-- name: save_text
INSERT INTO blob_text (blob_key, content)
VALUES ($1, $2)
    ON CONFLICT (blob_key) DO NOTHING

-- name: reindex_document
UPDATE document_fulltext f
   SET tsv = document_tsv(d.properties, d.name)
  FROM documents d
 WHERE d.id = $1
   AND f.id = d.id

-- name: finish_job
DELETE FROM fulltext_jobs
 WHERE document_id = $1
   AND blob_key = $2

-- name: pending_jobs
SELECT count(*) FROM fulltext_jobs
