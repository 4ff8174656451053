-- name: ensure_secret
INSERT INTO server_secrets (name, value)
VALUES ($1, $2)
    ON CONFLICT (name) DO NOTHING

-- name: secret
SELECT value
  FROM server_secrets
 WHERE name = $1

-- name: token_of_device
SELECT *
  FROM auth_tokens
 WHERE username = $1
   AND application = $2
   AND device_id = $3

-- name: insert_token
-- No row back: the triplet got a token meanwhile.
INSERT INTO auth_tokens (token_hash, username, application, device_id,
                         device_description, permission, nonce)
VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (username, application, device_id) DO NOTHING
RETURNING *

-- name: token_by_hash
SELECT *
  FROM auth_tokens
 WHERE token_hash = $1

-- name: tokens_of_user
SELECT *
  FROM auth_tokens
 WHERE username = $1
   AND ($2::text IS NULL OR application = $2)
 ORDER BY created, application, device_id

-- name: delete_token
DELETE FROM auth_tokens
 WHERE token_hash = $1
   AND username = $2
RETURNING token_hash
