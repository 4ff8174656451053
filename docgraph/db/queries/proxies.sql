-- name: insert
-- Proxy $1 of document $2 in folder $3 named $4 at path $5, with ancestors $6
-- and the folder's read ACL $7: the target's content, type and number, the
-- live document's series. Returns the proxy, or nothing if the name is taken.
INSERT INTO documents (id, repository, parent_id, name, path, type, mixins, lifecycle_state,
                       properties, version_series_id, major_version, minor_version,
                       version_label, is_checked_out, proxy_target_id, ancestors, read_acl,
                       created, modified)
SELECT $1, t.repository, $3, $4, $5, t.type, t.mixins, t.lifecycle_state,
       t.properties, coalesce(t.version_series_id, t.id), t.major_version, t.minor_version,
       t.version_label, t.is_checked_out, t.id, $6, $7, now(), t.modified
  FROM documents t
 WHERE t.id = $2
    ON CONFLICT DO NOTHING
RETURNING *

-- name: of_series
-- The proxies of live document $1's series (of it, or of any of its
-- versions) in folder $2 (NULL: anywhere).
SELECT *
  FROM documents
 WHERE version_series_id = $1
   AND proxy_target_id IS NOT NULL
   AND ($2::uuid IS NULL OR parent_id = $2)
 ORDER BY path

-- name: retarget
-- Point proxy $1 at document $2 (a newer version), taking its content.
UPDATE documents p
   SET proxy_target_id = t.id,
       properties      = t.properties,
       mixins          = t.mixins,
       lifecycle_state = t.lifecycle_state,
       major_version   = t.major_version,
       minor_version   = t.minor_version,
       version_label   = t.version_label,
       is_checked_out  = t.is_checked_out,
       modified        = t.modified,
       system_change   = p.system_change + 1
  FROM documents t
 WHERE p.id = $1
   AND t.id = $2
RETURNING p.*

-- name: counts
-- How many proxies each of the live documents $1 has (of it or its versions).
SELECT version_series_id AS id, count(*) AS proxies
  FROM documents
 WHERE version_series_id = ANY($1::uuid[])
   AND proxy_target_id IS NOT NULL
 GROUP BY version_series_id
