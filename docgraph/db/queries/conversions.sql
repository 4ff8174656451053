-- name: cached
SELECT *
  FROM conversion_cache
 WHERE source_key = $1
   AND converter = $2
   AND params = $3

-- name: remember
INSERT INTO conversion_cache (source_key, converter, params, blob_key, md5, length,
                              mime_type, name)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (source_key, converter, params) DO UPDATE
   SET blob_key = excluded.blob_key, md5 = excluded.md5, length = excluded.length,
       mime_type = excluded.mime_type, name = excluded.name, created = now()
