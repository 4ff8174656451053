-- name: insert_instance
INSERT INTO workflow_instances (id, repository, model, state, initiator, document_ids, variables)
VALUES ($1, $2, $3, 'running', $4, $5, $6)
RETURNING *

-- name: instance
SELECT * FROM workflow_instances WHERE id = $1

-- name: instance_for_update
SELECT * FROM workflow_instances WHERE id = $1 FOR UPDATE

-- name: update_instance
UPDATE workflow_instances
   SET state          = $2,
       variables      = $3,
       node_variables = $4,
       ended          = CASE WHEN $2 = 'running' THEN NULL ELSE now() END
 WHERE id = $1
RETURNING *

-- name: delete_instance
DELETE FROM workflow_instances WHERE id = $1

-- name: running
-- Running instances started by $1 (NULL: anyone) of model $2 (NULL: any),
-- attached to document $3 (NULL: any), oldest first.
SELECT *
  FROM workflow_instances
 WHERE state = 'running'
   AND ($1::text IS NULL OR initiator = $1)
   AND ($2::text IS NULL OR model = $2)
   AND ($3::uuid IS NULL OR document_ids @> ARRAY[$3::uuid])
 ORDER BY created, id
 LIMIT $4

-- name: insert_task
INSERT INTO workflow_tasks (id, instance_id, node_id, state, actors, variables, due_date)
VALUES ($1, $2, $3, 'opened', $4, $5, $6)
RETURNING *

-- name: task
SELECT * FROM workflow_tasks WHERE id = $1

-- name: task_for_update
SELECT * FROM workflow_tasks WHERE id = $1 FOR UPDATE

-- name: end_task
UPDATE workflow_tasks
   SET state     = $2,
       button    = $3,
       ended_by  = $4,
       variables = $5,
       comments  = $6,
       ended     = now()
 WHERE id = $1
RETURNING *

-- name: update_task_actors
UPDATE workflow_tasks
   SET actors           = $2,
       delegated_actors = $3,
       comments         = $4
 WHERE id = $1
RETURNING *

-- name: open_tasks_of_node
SELECT * FROM workflow_tasks WHERE instance_id = $1 AND node_id = $2 AND state = 'opened'

-- name: cancel_open_tasks
UPDATE workflow_tasks
   SET state = 'cancelled', ended = now()
 WHERE instance_id = $1
   AND state = 'opened'

-- name: open_tasks
-- Open tasks whose actors or delegated actors include one of $1 (NULL:
-- anyone's), of instance $2, of model $3, on document $4 (NULL: any),
-- oldest first.
SELECT t.*
  FROM workflow_tasks t
  JOIN workflow_instances i ON i.id = t.instance_id
 WHERE t.state = 'opened'
   AND ($1::text[] IS NULL OR (t.actors || t.delegated_actors) && $1::text[])
   AND ($2::uuid IS NULL OR t.instance_id = $2)
   AND ($3::text IS NULL OR i.model = $3)
   AND ($4::uuid IS NULL OR i.document_ids @> ARRAY[$4::uuid])
 ORDER BY t.created, t.id
 LIMIT $5

-- name: instances
SELECT * FROM workflow_instances WHERE id = ANY($1::uuid[])

-- name: running_on_documents
-- For each document of $1, the running instances attached to it, oldest
-- first, at most $2 each (a page of documents in one statement).
SELECT k.doc_key, i.*
  FROM unnest($1::uuid[]) AS k (doc_key)
 CROSS JOIN LATERAL (
       SELECT *
         FROM workflow_instances
        WHERE state = 'running'
          AND document_ids @> ARRAY[k.doc_key]
        ORDER BY created, id
        LIMIT $2
       ) AS i

-- name: open_tasks_on_documents
-- For each document of $2, the open tasks on it whose actors or delegated
-- actors include one of $1, oldest first, at most $3 each.
SELECT k.doc_key, t.*
  FROM unnest($2::uuid[]) AS k (doc_key)
 CROSS JOIN LATERAL (
       SELECT t.*
         FROM workflow_tasks t
         JOIN workflow_instances i ON i.id = t.instance_id
        WHERE t.state = 'opened'
          AND (t.actors || t.delegated_actors) && $1::text[]
          AND i.document_ids @> ARRAY[k.doc_key]
        ORDER BY t.created, t.id
        LIMIT $3
       ) AS t

-- name: overdue_tasks
-- Open tasks due before $3 on one of the (model, node) pairs $1, $2.
SELECT t.id, i.repository
  FROM workflow_tasks t
  JOIN workflow_instances i ON i.id = t.instance_id
 WHERE t.state = 'opened'
   AND t.due_date < $3
   AND (i.model, t.node_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
 ORDER BY t.due_date, t.id
 LIMIT $4
