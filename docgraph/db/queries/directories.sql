-- name: page
-- A page of directory $1's entries in their order, with the total.
SELECT e.id, e.properties, count(*) OVER () AS total
  FROM directory_entries e
 WHERE e.directory = $1
 ORDER BY e.position
 LIMIT $2
OFFSET $3

-- name: count
SELECT count(*) FROM directory_entries WHERE directory = $1

-- name: by_ids
-- Entries of directory $1 by id.
SELECT id, properties
  FROM directory_entries
 WHERE directory = $1
   AND id = ANY($2::text[])

-- name: insert
-- Nothing when the id is taken.
INSERT INTO directory_entries (directory, id, properties)
VALUES ($1, $2, $3)
    ON CONFLICT DO NOTHING
RETURNING id, properties

-- name: update
UPDATE directory_entries
   SET properties = $3
 WHERE directory = $1
   AND id = $2
RETURNING id, properties

-- name: delete
DELETE FROM directory_entries
 WHERE directory = $1
   AND id = $2

-- name: has_children
-- Whether an entry of one of the directories $1 names $2 as its parent.
SELECT EXISTS (
       SELECT 1
         FROM directory_entries
        WHERE directory = ANY($1::text[])
          AND properties ->> 'parent' = $2)

-- name: seeded
SELECT directory FROM directory_seeds

-- name: seed
-- Directory $1's starting entries ($2 ids, $3 properties) unless it was
-- seeded before; whether it was seeded now.
WITH claimed AS (
    INSERT INTO directory_seeds (directory) VALUES ($1)
        ON CONFLICT DO NOTHING
    RETURNING directory
),
inserted AS (
    INSERT INTO directory_entries (directory, id, properties)
    SELECT c.directory, e.id, e.properties
      FROM claimed c
     CROSS JOIN unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS e (id, properties, n)
     ORDER BY e.n
        ON CONFLICT DO NOTHING
)
SELECT EXISTS (SELECT 1 FROM claimed)
