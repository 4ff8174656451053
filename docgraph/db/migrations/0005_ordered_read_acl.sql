-- read_acl becomes ordered and may hold denials ('-bob'): the first entry
-- naming one of a user's principals decides (see permissions.read_acl_of).
-- A listing filters with
--     read_acl && names AND (NOT read_acl && denied OR may_browse(read_acl, names, denied))
-- where denied is names prefixed with '-': the overlaps are plain array
-- operators (the first one can use the GIN index), and this function, which
-- the planner cannot inline, only runs for rows denying one of the names.
CREATE FUNCTION may_browse(acl text[], names text[], denied text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce((SELECT NOT starts_with(e, '-')
                       FROM unnest(acl) WITH ORDINALITY AS u (e, n)
                      WHERE e = ANY(names) OR e = ANY(denied)
                      ORDER BY n
                      LIMIT 1), false)
$$;

-- Timed ACEs: the periodic recompute finds those whose begin or end passed.
CREATE INDEX acls_begin ON acls (begin_at) WHERE begin_at IS NOT NULL;
CREATE INDEX acls_end ON acls (end_at) WHERE end_at IS NOT NULL;

-- Until now the creator of a document was added to its read_acl; creators
-- hold no implicit right any more: recompute every document from the ACEs
-- (the permissions that include Browse, as in acls.sql recompute_read_acl).
WITH entries AS (
    SELECT d.id AS doc_id, a.principal, a.granted,
           row_number() OVER (PARTITION BY d.id
                              ORDER BY c.depth DESC, a.acl_order, a.acl_name, a.position) AS n
      FROM documents d
     CROSS JOIN LATERAL unnest(d.ancestors || d.id) WITH ORDINALITY AS c (chain_id, depth)
      JOIN acls a ON a.document_id = c.chain_id
     WHERE a.permission IN ('Browse', 'Everything', 'Read', 'ReadProperties',
                            'ReadRemove', 'ReadWrite')
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
  FROM documents s
  LEFT JOIN computed c ON c.doc_id = s.id
 WHERE d.id = s.id
   AND d.read_acl IS DISTINCT FROM coalesce(c.read_acl, '{}');
