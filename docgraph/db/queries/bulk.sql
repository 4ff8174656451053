-- name: submit
INSERT INTO bulk_commands (id, action, username, repository, query, params, batch_size)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING *

-- name: command
SELECT *
  FROM bulk_commands
 WHERE id = $1

-- name: unfinished_of
SELECT count(*)
  FROM bulk_commands
 WHERE username = $1
   AND state IN ('SCHEDULED', 'RUNNING')

-- name: claim
-- The oldest command due: scheduled, or running under a lease that ran out
-- (its worker died). Leased for $1 seconds.
UPDATE bulk_commands
   SET state = 'RUNNING',
       lease_until = now() + make_interval(secs => $1),
       processing_start = coalesce(processing_start, now())
 WHERE id = (SELECT id
               FROM bulk_commands
              WHERE state = 'SCHEDULED'
                 OR (state = 'RUNNING' AND lease_until < now())
              ORDER BY submitted
              LIMIT 1
                FOR UPDATE SKIP LOCKED)
RETURNING *

-- name: scrolled
UPDATE bulk_commands
   SET total = $2, scroll_start = $3, scroll_end = now()
 WHERE id = $1

-- name: batch
SELECT position, document_id
  FROM bulk_command_documents
 WHERE command_id = $1
   AND position > $2
 ORDER BY position
 LIMIT $3

-- name: progressed
-- A batch done: counts, resume point and lease move on together. The
-- command's state as it is now tells the worker whether to go on.
UPDATE bulk_commands
   SET processed = processed + $2,
       error_count = error_count + $3,
       error_message = coalesce(error_message, $4),
       done_position = $5,
       lease_until = now() + make_interval(secs => $6)
 WHERE id = $1
RETURNING abort_requested

-- name: finish
UPDATE bulk_commands
   SET state = $2, processing_end = now(), completed = now(), lease_until = NULL
 WHERE id = $1

-- name: forget_documents
DELETE FROM bulk_command_documents
 WHERE command_id = $1

-- name: request_abort
-- A scheduled command stops at once; a running one at its next batch.
UPDATE bulk_commands
   SET abort_requested = true,
       state = CASE WHEN state = 'SCHEDULED' THEN 'ABORTED' ELSE state END,
       completed = CASE WHEN state = 'SCHEDULED' THEN now() ELSE completed END
 WHERE id = $1
   AND state IN ('SCHEDULED', 'RUNNING')

-- name: drop_old
DELETE FROM bulk_commands
 WHERE state IN ('COMPLETED', 'ABORTED')
   AND completed < now() - make_interval(secs => $1)
