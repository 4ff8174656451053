-- name: schedule
INSERT INTO conversion_jobs (id, owner, source, converter, mime_type, format, params)
VALUES ($1, $2, $3, $4, $5, $6, $7)

-- name: job
SELECT *
  FROM conversion_jobs
 WHERE id = $1
   AND owner = $2

-- name: claim
-- Due jobs, leased for $2 seconds: a worker that dies leaves them to another.
UPDATE conversion_jobs
   SET status = 'running', attempts = attempts + 1,
       not_before = now() + make_interval(secs => $2)
 WHERE id IN (SELECT id
                FROM conversion_jobs
               WHERE status IN ('scheduled', 'running')
                 AND not_before <= now()
               ORDER BY not_before
               LIMIT $1
                 FOR UPDATE SKIP LOCKED)
RETURNING *

-- name: complete
UPDATE conversion_jobs
   SET status = 'completed', result = $2
 WHERE id = $1

-- name: fail
UPDATE conversion_jobs
   SET status = 'failed', error = $2
 WHERE id = $1

-- name: drop_old
DELETE FROM conversion_jobs
 WHERE created < now() - make_interval(secs => $1)
