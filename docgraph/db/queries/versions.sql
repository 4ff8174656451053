-- name: check_in
-- Check in live document $1 as version $2 numbered $3.$4: the version is a
-- copy of the live row outside the tree (no parent, no path), whose ancestors
-- are the live document's own and the live document, so that it inherits the
-- live document's ACLs and follows it through moves, permission changes and
-- deletes; the live document is then checked in at that number. $5: the
-- properties both get (uid:major_version / minor_version follow the number).
-- Returns the version row.
WITH live AS (
    UPDATE documents
       SET major_version  = $3::integer,
           minor_version  = $4::integer,
           version_label  = $3::integer || '.' || $4::integer,
           is_checked_out = false,
           properties     = $5,
           system_change  = system_change + 1
     WHERE id = $1
    RETURNING *
)
INSERT INTO documents (id, repository, parent_id, name, path, type, mixins, lifecycle_state,
                       properties, is_version, version_series_id, major_version,
                       minor_version, version_label, is_checked_out, ancestors, read_acl,
                       created, modified)
SELECT $2, l.repository, NULL, l.name, NULL, l.type, l.mixins, l.lifecycle_state,
       $5, true, l.id, $3::integer, $4::integer, $3::integer || '.' || $4::integer, false, l.ancestors || l.id, l.read_acl,
       now(), l.modified
  FROM live l
RETURNING *

-- name: check_out
UPDATE documents
   SET is_checked_out = true,
       system_change  = system_change + 1
 WHERE id = $1
RETURNING *

-- name: of_series
-- The versions of the live documents $1, oldest first.
SELECT v.*
  FROM documents v
 WHERE v.version_series_id = ANY($1::uuid[])
   AND v.is_version
 ORDER BY v.version_series_id, v.major_version, v.minor_version

-- name: restore
-- Live document $1 takes the content of version $2 (its properties $3, its
-- facets and number) and is checked in at that number.
UPDATE documents l
   SET properties     = $3,
       mixins         = v.mixins,
       major_version  = v.major_version,
       minor_version  = v.minor_version,
       version_label  = v.version_label,
       is_checked_out = false,
       modified       = now(),
       system_change  = l.system_change + 1,
       user_change    = l.user_change + 1
  FROM documents v
 WHERE l.id = $1
   AND v.id = $2
RETURNING l.*
