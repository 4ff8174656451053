-- name: create_batch
INSERT INTO upload_batches (id, owner, handler, expires)
VALUES ($1, $2, $3, now() + make_interval(secs => $4))

-- name: batch
-- Touching a batch keeps it alive for another time-to-live.
UPDATE upload_batches
   SET expires = now() + make_interval(secs => $3)
 WHERE id = $1
   AND owner = $2
   AND expires > now()
RETURNING *

-- name: delete_batch
DELETE FROM upload_batches
 WHERE id = $1
   AND owner = $2
RETURNING id

-- name: files
SELECT f.*,
       (SELECT coalesce(array_agg(c.chunk ORDER BY c.chunk), '{}')
          FROM upload_chunks c
         WHERE c.batch_id = f.batch_id AND c.idx = f.idx) AS chunks
  FROM upload_files f
 WHERE f.batch_id = $1
 ORDER BY f.idx

-- name: file
SELECT f.*,
       (SELECT coalesce(array_agg(c.chunk ORDER BY c.chunk), '{}')
          FROM upload_chunks c
         WHERE c.batch_id = f.batch_id AND c.idx = f.idx) AS chunks
  FROM upload_files f
 WHERE f.batch_id = $1
   AND f.idx = $2

-- name: file_count
SELECT count(*)
  FROM upload_files
 WHERE batch_id = $1

-- name: put_file
-- A file sent again at the same index replaces the earlier one, chunks included.
INSERT INTO upload_files AS f (batch_id, idx, name, mime_type, declared_size, upload_type,
                               chunk_count, blob_key, md5, length)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
    ON CONFLICT (batch_id, idx) DO UPDATE
   SET name = excluded.name, mime_type = excluded.mime_type,
       declared_size = excluded.declared_size, upload_type = excluded.upload_type,
       chunk_count = excluded.chunk_count, blob_key = excluded.blob_key,
       md5 = excluded.md5, length = excluded.length, joined_chunks = 0, joined_length = 0

-- name: delete_chunks
DELETE FROM upload_chunks
 WHERE batch_id = $1
   AND idx = $2

-- name: put_chunk
INSERT INTO upload_chunks (batch_id, idx, chunk, blob_key, length)
VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (batch_id, idx, chunk) DO UPDATE
   SET blob_key = excluded.blob_key, length = excluded.length

-- name: advance_join
-- Chunk $3 was appended to the joined part, now $4 bytes long; nothing when
-- another request appended it first.
UPDATE upload_files
   SET joined_chunks = joined_chunks + 1, joined_length = $4
 WHERE batch_id = $1
   AND idx = $2
   AND joined_chunks = $3
RETURNING idx

-- name: reset_join
UPDATE upload_files
   SET joined_chunks = 0, joined_length = 0
 WHERE batch_id = $1
   AND idx = $2

-- name: chunk_parts
SELECT chunk, blob_key, length
  FROM upload_chunks
 WHERE batch_id = $1
   AND idx = $2
 ORDER BY chunk

-- name: delete_chunk
DELETE FROM upload_chunks
 WHERE batch_id = $1
   AND idx = $2
   AND chunk = $3

-- name: complete_file
UPDATE upload_files
   SET blob_key = $3, md5 = $4, length = $5
 WHERE batch_id = $1
   AND idx = $2

-- name: delete_file
DELETE FROM upload_files
 WHERE batch_id = $1
   AND idx = $2
RETURNING idx

-- name: drop_expired
DELETE FROM upload_batches
 WHERE expires <= now()
RETURNING id

-- name: referenced_blob_keys
-- Every blob something still points at: documents (versions included), and
-- the files of live batches; and the staged parts of their chunks.
SELECT DISTINCT key
  FROM (SELECT jsonb_path_query(properties, 'lax $.**.sha256') #>> '{}' AS key
          FROM documents
        UNION ALL
        SELECT blob_key FROM upload_files
        UNION ALL
        SELECT blob_key FROM upload_chunks) AS refs
 WHERE key IS NOT NULL
