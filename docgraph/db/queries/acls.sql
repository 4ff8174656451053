-- name: aces_of_documents
-- Every ACE of the documents $1, each document's ACLs in order.
SELECT document_id, acl_name, principal, permission, granted, creator, begin_at, end_at
  FROM acls
 WHERE document_id = ANY($1::uuid[])
 ORDER BY document_id, acl_order, acl_name, position

-- name: acl_order
-- Where the ACL $2 of document $1 sits in its ACP; NULL when it is empty.
SELECT min(acl_order)
  FROM acls
 WHERE document_id = $1
   AND acl_name = $2

-- name: next_acl_order
SELECT coalesce(max(acl_order) + 1, 1)
  FROM acls
 WHERE document_id = $1

-- name: delete_acl
DELETE FROM acls
 WHERE document_id = $1
   AND acl_name = $2

-- name: insert_acl
-- The ACEs of one ACL, in order: parallel arrays $4..$9.
INSERT INTO acls (document_id, acl_name, acl_order, position, principal, permission,
                  granted, creator, begin_at, end_at)
SELECT $1, $2, $3, e.n - 1, e.principal, e.permission, e.granted, e.creator, e.begin_at, e.end_at
  FROM unnest($4::text[], $5::text[], $6::boolean[], $7::text[],
              $8::timestamptz[], $9::timestamptz[])
       WITH ORDINALITY AS e (principal, permission, granted, creator, begin_at, end_at, n)

-- name: recompute_read_acl
-- The read_acl of every document of the subtree $1, from the ACEs of each
-- document and its ancestors (nearest first) whose permission includes Browse
-- ($2) and that are in effect now: each principal once, where its first ACE
-- stands, denied ones as '-principal'; nothing after Everyone (every user
-- matches it) and no deny after the last grant. permissions.read_acl_of
-- computes the same list for one document. Rows whose list is unchanged are
-- not written.
WITH subtree AS (
    SELECT id, ancestors
      FROM documents
     WHERE id = $1
        OR ancestors @> ARRAY[$1]::uuid[]
),
entries AS (
    SELECT s.id AS doc_id, a.principal, a.granted,
           row_number() OVER (PARTITION BY s.id
                              ORDER BY c.depth DESC, a.acl_order, a.acl_name, a.position) AS n
      FROM subtree s
     CROSS JOIN LATERAL unnest(s.ancestors || s.id) WITH ORDINALITY AS c (chain_id, depth)
      JOIN acls a ON a.document_id = c.chain_id
     WHERE a.permission = ANY($2::text[])
       AND (a.begin_at IS NULL OR a.begin_at <= now())
       AND (a.end_at IS NULL OR a.end_at > now())
),
firsts AS (
    SELECT DISTINCT ON (doc_id, principal) doc_id, principal, granted, n
      FROM entries
     ORDER BY doc_id, principal, n
),
bounds AS (
    SELECT doc_id,
           coalesce(min(n) FILTER (WHERE principal = 'Everyone'), max(n)) AS everyone_at
      FROM firsts
     GROUP BY doc_id
),
kept AS (
    SELECT f.doc_id, f.principal, f.granted, f.n,
           max(f.n) FILTER (WHERE f.granted) OVER (PARTITION BY f.doc_id) AS last_grant
      FROM firsts f
      JOIN bounds b USING (doc_id)
     WHERE f.n <= b.everyone_at
),
computed AS (
    SELECT doc_id,
           array_agg(CASE WHEN granted THEN principal ELSE '-' || principal END ORDER BY n)
               AS read_acl
      FROM kept
     WHERE n <= last_grant
     GROUP BY doc_id
)
UPDATE documents d
   SET read_acl = coalesce(c.read_acl, '{}')
  FROM subtree s
  LEFT JOIN computed c ON c.doc_id = s.id
 WHERE d.id = s.id
   AND d.read_acl IS DISTINCT FROM coalesce(c.read_acl, '{}')

-- name: timed_aces_crossed
-- Documents with an ACE whose begin or end passed in ($1, $2]: their
-- subtrees' read_acl must be recomputed.
SELECT DISTINCT document_id
  FROM acls
 WHERE (begin_at > $1 AND begin_at <= $2)
    OR (end_at > $1 AND end_at <= $2)

-- name: readable_acl_classes
-- The read_acl classes the principals $1 may browse (0029_read_acl_classes.sql).
SELECT readable_acl_classes($1::text[])
