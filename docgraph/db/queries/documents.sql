-- name: by_ids
SELECT *
  FROM documents
 WHERE id = ANY($1::uuid[])

-- name: by_paths
SELECT *
  FROM documents
 WHERE repository = $1
   AND path = ANY($2::text[])

-- name: ids_by_paths
SELECT path, id
  FROM documents
 WHERE repository = $1
   AND path = ANY($2::text[])

-- name: by_id_for_update
SELECT *
  FROM documents
 WHERE id = $1
   FOR UPDATE

-- name: lock_rows
-- Rows locked in the order of $1 (sorted by the caller): no crossed deadlock.
SELECT 1
  FROM unnest($1::uuid[]) WITH ORDINALITY AS k (id, n)
  JOIN documents d ON d.id = k.id
 ORDER BY k.n
   FOR UPDATE OF d

-- name: children_pages
-- One page of the listable children of each parent plus their total, in one
-- statement. $3 is the permission filter: the user's principals, whose
-- read_acl classes the statement works out first (NULL = no filter,
-- administrators). The total is counted up to $7 (a folder of a million
-- children is not counted for each page). The ORDER BY markers in the page are
-- replaced by one of the orders below (db/documents.py): by title, by
-- position (both served by an index), or by up to three sort keys. The page
-- finds its children's ids in that order, then reads their rows and sorts
-- those again: with the order and the filter's columns in the index, the
-- children before the page are never read from the table
-- (0030_children_index_only.sql).
WITH readable AS MATERIALIZED (SELECT readable_acl_classes($3::text[]) AS classes)
SELECT p.parent_key, t.total, c.*
  FROM readable r
 CROSS JOIN unnest($1::uuid[], $2::boolean[]) AS p (parent_key, ordered)
 CROSS JOIN LATERAL (
       SELECT count(*) AS total
         FROM (SELECT 1
                 FROM documents d
                WHERE d.parent_id = p.parent_key
                  AND NOT d.is_trashed
                  AND NOT d.type = ANY($4::text[])
                  AND ($3::text[] IS NULL OR d.read_acl_class = ANY(r.classes))
                LIMIT $7) AS counted
       ) AS t
  LEFT JOIN LATERAL (
       SELECT d.*
         FROM (SELECT d.id
                 FROM documents d
                WHERE d.parent_id = p.parent_key
                  AND NOT d.is_trashed
                  AND NOT d.type = ANY($4::text[])
                  AND ($3::text[] IS NULL OR d.read_acl_class = ANY(r.classes))
                /*ORDER BY*/
                LIMIT $5
               OFFSET $6) AS k
         JOIN documents d ON d.id = k.id
       /*ORDER BY*/
       ) AS c ON true

-- name: children_order_by_title
-- Names are unique among siblings: the title prefix, then the name, is a
-- total order, and the documents_children_by_title index provides it.
ORDER BY d.title_key, d.name

-- name: children_order_by_position
ORDER BY d.position

-- name: children_order_by_keys
-- $8..$13: up to three sort keys (a system field name or a property key, NULL
-- for none) each with its direction (true = ascending); values compare as
-- jsonb, so numbers sort as numbers and dates, stored as ISO text, in time
-- order. Then the title and the name.
ORDER BY CASE WHEN $9 THEN sort_key(d, $8) END ASC,
         CASE WHEN NOT $9 THEN sort_key(d, $8) END DESC,
         CASE WHEN $11 THEN sort_key(d, $10) END ASC,
         CASE WHEN NOT $11 THEN sort_key(d, $10) END DESC,
         CASE WHEN $13 THEN sort_key(d, $12) END ASC,
         CASE WHEN NOT $13 THEN sort_key(d, $12) END DESC,
         d.title_key,
         d.name

-- name: insert
INSERT INTO documents (id, repository, parent_id, name, path, type, lifecycle_state,
                       properties, ancestors, read_acl, created, modified)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
    ON CONFLICT DO NOTHING
RETURNING *

-- name: update_properties
-- $4: 1 for a user change (REST PUT, Document.Update), else 0. Saving a
-- checked-in document checks it out.
UPDATE documents
   SET properties     = $2,
       modified       = $3,
       is_checked_out = true,
       system_change = system_change + 1,
       user_change   = user_change + $4
 WHERE id = $1
RETURNING *

-- name: delete_subtree
-- The subtree with its versions, but for versions that are published: their
-- proxies keep them, as in Nuxeo.
DELETE FROM documents d
 WHERE (d.id = $1 OR d.ancestors @> ARRAY[$1]::uuid[])
   AND NOT (d.is_version
            AND d.id <> $1
            AND EXISTS (SELECT 1 FROM documents p WHERE p.proxy_target_id = d.id))

-- name: set_lock
-- $2 NULL: unlock.
UPDATE documents
   SET lock_owner   = $2,
       lock_created = CASE WHEN $2::text IS NULL THEN NULL ELSE $3::timestamptz END
 WHERE id = $1
RETURNING *

-- name: rename_subtree
-- Rename a document and move the paths of its whole subtree with it, setting
-- the trashed flag of all of them ($5) but versions, which are never in the
-- trash. $3/$4: the new and old path.
UPDATE documents d
   SET name          = CASE WHEN d.id = $1 THEN $2 ELSE d.name END,
       path          = $3 || substr(d.path, length($4) + 1),
       is_trashed    = $5 AND NOT d.is_version,
       system_change = d.system_change + 1
 WHERE d.id = $1
    OR d.ancestors @> ARRAY[$1]::uuid[]
RETURNING *

-- name: child_named
SELECT id
  FROM documents
 WHERE parent_id = $1
   AND name = $2

-- name: set_lifecycle_state
UPDATE documents
   SET lifecycle_state = $2,
       system_change   = system_change + 1
 WHERE id = $1
RETURNING *

-- name: trashed_children
SELECT *
  FROM documents
 WHERE parent_id = $1
   AND is_trashed
 ORDER BY id

-- name: parents_with_children
-- Which of the documents $1 have a listable child (not trashed, not of the
-- hidden types $2) the principals $3 may browse (NULL: no filter), of one
-- of the types $4 (NULL: any type).
WITH readable AS MATERIALIZED (SELECT readable_acl_classes($3::text[]) AS classes)
SELECT p.id
  FROM readable r
 CROSS JOIN unnest($1::uuid[]) AS p (id)
 WHERE EXISTS (
       SELECT 1
         FROM documents d
        WHERE d.parent_id = p.id
          AND NOT d.is_trashed
          AND NOT d.type = ANY($2::text[])
          AND ($4::text[] IS NULL OR d.type = ANY($4::text[]))
          AND ($3::text[] IS NULL OR d.read_acl_class = ANY(r.classes)))

-- name: move_subtree
-- Move document $1 under parent $2 with name $3: its path becomes $4 (it was
-- $5) and its ancestors $6; every descendant's path and ancestors follow, in
-- one statement.
UPDATE documents d
   SET parent_id = CASE WHEN d.id = $1 THEN $2 ELSE d.parent_id END,
       name      = CASE WHEN d.id = $1 THEN $3 ELSE d.name END,
       path      = $4 || substr(d.path, length($5) + 1),
       ancestors = CASE WHEN d.id = $1 THEN $6::uuid[]
                        ELSE $6::uuid[] || d.ancestors[array_position(d.ancestors, $1):]
                   END,
       system_change = d.system_change + 1
 WHERE d.id = $1
    OR d.ancestors @> ARRAY[$1]::uuid[]

-- name: longest_path_below
-- The byte length of the longest path in the subtree of $1.
SELECT max(octet_length(path))
  FROM documents
 WHERE id = $1
    OR ancestors @> ARRAY[$1]::uuid[]

-- name: sibling_named
SELECT id
  FROM documents
 WHERE parent_id = $1
   AND name = $2

-- name: copy_subtree
-- A deep copy of document $1 and its subtree, new ids throughout: the copy
-- goes under $2 named $3 at path $4 ($5: the source's path), with ancestors
-- $6; local ACLs are copied too. Locks, trash state and versions are not
-- (a copied version becomes a live document). Old ids map to new ones
-- through hash joins (no per-row lookups). Returns the copy's id.
WITH source AS MATERIALIZED (
    SELECT d.*, gen_random_uuid() AS new_id
      FROM documents d
     WHERE d.id = $1
        OR d.ancestors @> ARRAY[$1]::uuid[] AND NOT d.is_version
),
chains AS (
    -- Each copied descendant's ancestors from the copied root down, in new ids.
    SELECT u.doc_id, array_agg(a.new_id ORDER BY u.n) AS chain
      FROM (SELECT s.id AS doc_id, x.id AS ancestor, x.n
              FROM source s
             CROSS JOIN LATERAL unnest(s.ancestors[array_position(s.ancestors, $1):])
                   WITH ORDINALITY AS x (id, n)
             WHERE s.id <> $1) AS u
      JOIN source a ON a.id = u.ancestor
     GROUP BY u.doc_id
),
copied AS (
    INSERT INTO documents (id, repository, parent_id, name, path, type, mixins,
                           lifecycle_state, properties, ancestors, read_acl,
                           created, modified)
    SELECT s.new_id, s.repository,
           CASE WHEN s.id = $1 THEN $2 ELSE p.new_id END,
           CASE WHEN s.id = $1 THEN $3 ELSE s.name END,
           CASE WHEN s.id = $1 THEN $4 ELSE $4 || substr(s.path, length($5) + 1) END,
           s.type, s.mixins, s.lifecycle_state, s.properties,
           $6::uuid[] || coalesce(c.chain, '{}'),
           '{}', now(), now()
      FROM source s
      LEFT JOIN source p ON p.id = s.parent_id
      LEFT JOIN chains c ON c.doc_id = s.id
    RETURNING id
),
copied_acls AS (
    INSERT INTO acls (document_id, acl_name, acl_order, position, principal, permission,
                      granted, creator, begin_at, end_at)
    SELECT s.new_id, a.acl_name, a.acl_order, a.position, a.principal, a.permission,
           a.granted, a.creator, a.begin_at, a.end_at
      FROM acls a
      JOIN source s ON s.id = a.document_id
)
SELECT s.new_id FROM source s WHERE s.id = $1

-- name: children_after
-- Keyset pages: the listable children of each parent after its own cursor,
-- in the listing's order, without a count, so that page 10,000 of a large
-- folder costs what page 1 costs (the index range starts at the cursor).
-- $2 is the permission filter as in children_pages; $5..$7 each parent's
-- cursor (title prefix, name, position). The AFTER marker becomes
-- one of the conditions below, ORDER BY one of the orders above.
WITH readable AS MATERIALIZED (SELECT readable_acl_classes($2::text[]) AS classes)
SELECT p.parent_key, c.*
  FROM readable r
 CROSS JOIN unnest($1::uuid[], $5::text[], $6::text[], $7::bigint[])
       AS p (parent_key, after_title, after_name, after_position)
 CROSS JOIN LATERAL (
       SELECT d.*
         FROM documents d
        WHERE d.parent_id = p.parent_key
          AND NOT d.is_trashed
          AND NOT d.type = ANY($3::text[])
          AND ($2::text[] IS NULL OR d.read_acl_class = ANY(r.classes))
          /*AFTER*/
        /*ORDER BY*/
        LIMIT $4
       ) AS c

-- name: after_nothing
AND true

-- name: after_title
-- Titled children after (title prefix, name); untitled ones sort last and
-- come with after_untitled.
AND (d.title_key, d.name) > (p.after_title, p.after_name)

-- name: after_untitled
AND d.title_key IS NULL AND d.name > p.after_name

-- name: after_position
AND d.position > p.after_position

-- name: before_title
-- Backward pages (read in descending order, then turned around): titled
-- children before (title prefix, name).
AND (d.title_key, d.name) < (p.after_title, p.after_name)

-- name: before_untitled
AND d.title_key IS NULL AND d.name < p.after_name

-- name: before_untitled_all
-- Going back past the first untitled child: the titled ones, from the last.
AND d.title_key IS NOT NULL

-- name: before_position
AND d.position < p.after_position

-- name: children_order_by_title_desc
ORDER BY d.title_key DESC, d.name DESC

-- name: children_order_by_position_desc
ORDER BY d.position DESC

-- name: order_before
-- Put document $1 just before its sibling $2 in parent $3's order (by
-- position): $1 takes $2's position and the siblings from $2 on move one up.
-- $2 NULL: $1 goes to the end.
WITH b AS (
    SELECT position FROM documents WHERE id = $2 AND parent_id = $3
),
shifted AS (
    UPDATE documents
       SET position = position + 1
     WHERE parent_id = $3
       AND position >= (SELECT position FROM b)
       AND id <> $1
)
UPDATE documents
   SET position      = coalesce((SELECT position FROM b), nextval('document_position')),
       system_change = system_change + 1
 WHERE id = $1
RETURNING *

-- name: set_mixins
-- The facets document $1 has on top of its type's; the properties $3 go.
UPDATE documents
   SET mixins        = $2,
       properties    = properties - $3::text[],
       system_change = system_change + 1
 WHERE id = $1
RETURNING *
