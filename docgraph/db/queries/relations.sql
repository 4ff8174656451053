-- name: add
INSERT INTO document_relations (subject_id, predicate, object_id, author)
VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING

-- name: remove
DELETE FROM document_relations
 WHERE subject_id = $1 AND predicate = $2 AND object_id = $3

-- name: objects
-- What $1 points to with predicate $2, oldest link first, at most $3.
SELECT object_id AS id
  FROM document_relations
 WHERE subject_id = $1 AND predicate = $2
 ORDER BY created, object_id
 LIMIT $3

-- name: subjects
-- What points to $1 with predicate $2, oldest link first, at most $3.
SELECT subject_id AS id
  FROM document_relations
 WHERE object_id = $1 AND predicate = $2
 ORDER BY created, subject_id
 LIMIT $3
