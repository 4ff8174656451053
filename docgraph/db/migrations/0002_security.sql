-- Access control entries, ordered within each named ACL of a document.
CREATE TABLE acls (
    document_id uuid        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    acl_name    text        NOT NULL DEFAULT 'local',
    -- Order of the ACL inside the document's ACP, then of the ACE inside the ACL:
    -- the first matching ACE wins.
    acl_order   smallint    NOT NULL DEFAULT 0,
    position    integer     NOT NULL,
    principal   text        NOT NULL,
    permission  text        NOT NULL,
    granted     boolean     NOT NULL,
    creator     text,
    begin_at    timestamptz,
    end_at      timestamptz,
    PRIMARY KEY (document_id, acl_name, position)
);

CREATE TABLE users (
    username      text        PRIMARY KEY,
    -- argon2id hash; NULL means the account cannot log in with a password.
    password_hash text,
    first_name    text,
    last_name     text,
    company       text,
    email         text,
    tenant_id     text,
    created       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE groups (
    groupname   text        PRIMARY KEY,
    grouplabel  text,
    description text,
    tenant_id   text,
    created     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE user_groups (
    username  text NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    groupname text NOT NULL REFERENCES groups (groupname) ON DELETE CASCADE,
    PRIMARY KEY (username, groupname)
);
CREATE INDEX user_groups_group ON user_groups (groupname);

CREATE TABLE group_subgroups (
    parent_group text NOT NULL REFERENCES groups (groupname) ON DELETE CASCADE,
    child_group  text NOT NULL REFERENCES groups (groupname) ON DELETE CASCADE,
    PRIMARY KEY (parent_group, child_group)
);
CREATE INDEX group_subgroups_child ON group_subgroups (child_group);
