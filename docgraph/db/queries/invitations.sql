-- name: insert
INSERT INTO user_invitations (id, username, email, first_name, last_name, company, groups,
                              comment, info, validation_method, state, requested_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11)
RETURNING *

-- name: by_id
SELECT * FROM user_invitations WHERE id = $1

-- name: by_id_for_update
SELECT * FROM user_invitations WHERE id = $1 FOR UPDATE

-- name: by_token_for_update
SELECT * FROM user_invitations WHERE token_hash = $1 FOR UPDATE

-- name: open
-- Invitations waiting for an administrator or for their invitee, oldest first.
SELECT *
  FROM user_invitations
 WHERE state IN ('pending', 'accepted')
 ORDER BY created, id
 LIMIT $1
OFFSET $2

-- name: set_state
-- $3: the token's hash (accepted invitations sent by e-mail), else NULL.
UPDATE user_invitations
   SET state      = $2,
       token_hash = $3,
       ended      = CASE WHEN $2 IN ('rejected', 'validated') THEN now() END
 WHERE id = $1
RETURNING *
