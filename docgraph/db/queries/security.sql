-- name: user_by_name
SELECT *
  FROM users
 WHERE username = $1

-- name: groups_of_user
-- All groups of a user, transitively through parent groups.
WITH RECURSIVE member_of (groupname) AS (
    SELECT ug.groupname
      FROM user_groups ug
     WHERE ug.username = $1
     UNION
    SELECT gs.parent_group
      FROM group_subgroups gs
      JOIN member_of m ON gs.child_group = m.groupname
)
SELECT g.groupname, g.grouplabel
  FROM member_of m
  JOIN groups g USING (groupname)
 ORDER BY g.groupname

-- name: insert_user
INSERT INTO users (username, password_hash, first_name, last_name, company, email)
VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (username) DO NOTHING

-- name: insert_group
INSERT INTO groups (groupname, grouplabel, description)
VALUES ($1, $2, $3)
    ON CONFLICT (groupname) DO NOTHING

-- name: insert_membership
INSERT INTO user_groups (username, groupname)
VALUES ($1, $2)
    ON CONFLICT DO NOTHING

-- name: insert_ace
INSERT INTO acls (document_id, acl_name, acl_order, position, principal, permission,
                  granted, creator, begin_at, end_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)

-- name: set_password
UPDATE users
   SET password_hash = $2
 WHERE username = $1
RETURNING username
