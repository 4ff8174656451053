-- name: claim
-- The key is free, expired, or held by a run so old it must have died.
INSERT INTO idempotent_requests AS r (owner, key, expires)
VALUES ($1, $2, now() + make_interval(secs => $3))
    ON CONFLICT (owner, key) DO UPDATE
   SET done = false, status = NULL, content_type = NULL, body = NULL,
       started = now(), expires = excluded.expires
 WHERE r.expires <= now()
    OR (NOT r.done AND r.started < now() - make_interval(secs => $4))
RETURNING true

-- name: request
SELECT *
  FROM idempotent_requests
 WHERE owner = $1
   AND key = $2

-- name: finish
UPDATE idempotent_requests
   SET done = true, status = $3, content_type = $4, body = $5
 WHERE owner = $1
   AND key = $2

-- name: release
DELETE FROM idempotent_requests
 WHERE owner = $1
   AND key = $2
   AND NOT done

-- name: drop_expired
DELETE FROM idempotent_requests
 WHERE expires <= now()
