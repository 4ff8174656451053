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
-- No row back: the name is taken.
INSERT INTO users (username, password_hash, first_name, last_name, company, email)
VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (username) DO NOTHING
RETURNING username

-- name: insert_group
-- No row back: the name is taken.
INSERT INTO groups (groupname, grouplabel, description)
VALUES ($1, $2, $3)
    ON CONFLICT (groupname) DO NOTHING
RETURNING groupname

-- name: insert_membership
INSERT INTO user_groups (username, groupname)
VALUES ($1, $2)
    ON CONFLICT DO NOTHING

-- name: groups_reach
-- Whether any of the groups $1 is $2 or sits inside it, through nested groups.
WITH RECURSIVE up (groupname) AS (
    SELECT unnest($1::text[])
     UNION
    SELECT gs.parent_group
      FROM group_subgroups gs
      JOIN up ON gs.child_group = up.groupname
)
SELECT EXISTS (SELECT 1 FROM up WHERE groupname = $2)

-- name: set_password
UPDATE users
   SET password_hash = $2
 WHERE username = $1
RETURNING username

-- name: users_by_names
SELECT *
  FROM users
 WHERE username = ANY($1::text[])

-- name: groups_of_users
-- Every group of each user, transitively through parent groups, in one statement.
WITH RECURSIVE member_of (username, groupname) AS (
    SELECT ug.username, ug.groupname
      FROM user_groups ug
     WHERE ug.username = ANY($1::text[])
     UNION
    SELECT m.username, gs.parent_group
      FROM group_subgroups gs
      JOIN member_of m ON gs.child_group = m.groupname
)
SELECT m.username, g.groupname, g.grouplabel,
       EXISTS (SELECT 1 FROM user_groups d
                WHERE d.username = m.username AND d.groupname = g.groupname) AS direct
  FROM member_of m
  JOIN groups g USING (groupname)
 ORDER BY m.username, g.groupname

-- name: search_users
-- A page of users whose name, first or last name contains $1 (NULL: all).
SELECT u.username, count(*) OVER () AS total
  FROM users u
 WHERE $1::text IS NULL
    OR strpos(lower(u.username), $1) > 0
    OR strpos(lower(coalesce(u.first_name, '')), $1) > 0
    OR strpos(lower(coalesce(u.last_name, '')), $1) > 0
 ORDER BY u.username
 LIMIT $2 OFFSET $3

-- name: update_user
UPDATE users
   SET first_name = $2, last_name = $3, company = $4, email = $5, tenant_id = $6
 WHERE username = $1
RETURNING username

-- name: delete_user
DELETE FROM users WHERE username = $1 RETURNING username

-- name: set_user_groups
-- Replace a user's groups.
WITH gone AS (
    DELETE FROM user_groups WHERE username = $1 AND NOT groupname = ANY($2::text[])
)
INSERT INTO user_groups (username, groupname)
SELECT $1, g FROM unnest($2::text[]) AS g
    ON CONFLICT DO NOTHING

-- name: delete_membership
DELETE FROM user_groups WHERE username = $1 AND groupname = $2 RETURNING username

-- name: groups_by_names
SELECT *
  FROM groups
 WHERE groupname = ANY($1::text[])

-- name: search_groups
SELECT g.groupname, count(*) OVER () AS total
  FROM groups g
 WHERE $1::text IS NULL
    OR strpos(lower(g.groupname), $1) > 0
    OR strpos(lower(coalesce(g.grouplabel, '')), $1) > 0
 ORDER BY g.groupname
 LIMIT $2 OFFSET $3

-- name: group_relations
-- Direct member users, member groups and parent groups of each group.
SELECT g.groupname,
       coalesce((SELECT array_agg(ug.username ORDER BY ug.username)
                   FROM user_groups ug WHERE ug.groupname = g.groupname), '{}') AS member_users,
       coalesce((SELECT array_agg(s.child_group ORDER BY s.child_group)
                   FROM group_subgroups s WHERE s.parent_group = g.groupname), '{}') AS member_groups,
       coalesce((SELECT array_agg(s.parent_group ORDER BY s.parent_group)
                   FROM group_subgroups s WHERE s.child_group = g.groupname), '{}') AS parent_groups
  FROM groups g
 WHERE g.groupname = ANY($1::text[])

-- name: update_group
UPDATE groups
   SET grouplabel = $2, description = $3, tenant_id = $4
 WHERE groupname = $1
RETURNING groupname

-- name: delete_group
-- Its rows as a member group go too (they have no foreign key to cascade).
WITH memberships AS (
    DELETE FROM group_subgroups WHERE child_group = $1
)
DELETE FROM groups WHERE groupname = $1 RETURNING groupname

-- name: set_group_members
-- Replace a group's member users.
WITH gone AS (
    DELETE FROM user_groups WHERE groupname = $1 AND NOT username = ANY($2::text[])
)
INSERT INTO user_groups (username, groupname)
SELECT u, $1 FROM unnest($2::text[]) AS u
    ON CONFLICT DO NOTHING

-- name: set_group_subgroups
-- Replace a group's member groups.
WITH gone AS (
    DELETE FROM group_subgroups WHERE parent_group = $1 AND NOT child_group = ANY($2::text[])
)
INSERT INTO group_subgroups (parent_group, child_group)
SELECT $1, c FROM unnest($2::text[]) AS c
    ON CONFLICT DO NOTHING

-- name: set_group_parents
-- Replace the groups a group belongs to.
WITH gone AS (
    DELETE FROM group_subgroups WHERE child_group = $1 AND NOT parent_group = ANY($2::text[])
)
INSERT INTO group_subgroups (parent_group, child_group)
SELECT p, $1 FROM unnest($2::text[]) AS p
    ON CONFLICT DO NOTHING

-- name: username_by_email
SELECT username
  FROM users
 WHERE lower(email) = lower($1)
 ORDER BY username
 LIMIT 1
