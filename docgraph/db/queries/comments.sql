-- name: page
-- A page of the comments (of types $2) directly on document $1, newest
-- first, on blob xpath $3 (NULL: any), with their total.
SELECT d.*, count(*) OVER () AS total
  FROM documents d
 WHERE d.parent_id = $1
   AND d.type = ANY($2::text[])
   AND ($3::text IS NULL OR d.properties ->> 'annotation:xpath' = $3)
 ORDER BY d.properties ->> 'comment:creationDate' DESC, d.id DESC
 LIMIT $4
OFFSET $5

-- name: count
SELECT count(*)
  FROM documents d
 WHERE d.parent_id = $1
   AND d.type = ANY($2::text[])
   AND ($3::text IS NULL OR d.properties ->> 'annotation:xpath' = $3)

-- name: replies_summary
-- For each of the comments $1: how many direct replies (of types $2) it has
-- and when the last one was made.
SELECT d.parent_id AS id, count(*) AS replies,
       max(d.properties ->> 'comment:creationDate') AS last_reply
  FROM documents d
 WHERE d.parent_id = ANY($1::uuid[])
   AND d.type = ANY($2::text[])
 GROUP BY d.parent_id

-- name: by_entity
-- The comment (of types $2) below document $1 mirroring external entity $3.
SELECT d.*
  FROM documents d
 WHERE d.ancestors @> ARRAY[$1]::uuid[]
   AND d.type = ANY($2::text[])
   AND d.properties ->> 'externalEntity:entityId' = $3
 ORDER BY d.id
 LIMIT 1

-- name: pages
-- A page for each of the documents $1 at once: their comments (of types $2),
-- newest first, $3 of them from $4, with each document's total.
SELECT p.parent_key, t.total, c.*
  FROM unnest($1::uuid[]) AS p (parent_key)
 CROSS JOIN LATERAL (
       SELECT count(*) AS total
         FROM documents d
        WHERE d.parent_id = p.parent_key
          AND d.type = ANY($2::text[])
       ) AS t
  LEFT JOIN LATERAL (
       SELECT d.*
         FROM documents d
        WHERE d.parent_id = p.parent_key
          AND d.type = ANY($2::text[])
        ORDER BY d.properties ->> 'comment:creationDate' DESC, d.id DESC
        LIMIT $3
       OFFSET $4
       ) AS c ON true
