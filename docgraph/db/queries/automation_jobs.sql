-- name: create
INSERT INTO automation_jobs (id, owner)
VALUES ($1, $2)

-- name: job
SELECT *
  FROM automation_jobs
 WHERE id = $1
   AND owner = $2

-- name: finish
UPDATE automation_jobs
   SET status = $2, http_status = $3, content_type = $4, body = $5
 WHERE id = $1
   AND status = 'running'

-- name: forget
DELETE FROM automation_jobs
 WHERE id = $1
   AND owner = $2
RETURNING id

-- name: drop_old
DELETE FROM automation_jobs
 WHERE created < now() - make_interval(secs => $1)
