-- The document tree: live documents, versions and proxies of every repository.
CREATE SEQUENCE document_position;

CREATE TABLE documents (
    id                uuid        PRIMARY KEY,
    repository        text        NOT NULL DEFAULT 'default',
    parent_id         uuid        REFERENCES documents (id) ON DELETE CASCADE,
    name              text        NOT NULL,
    -- NULL for versions, which live outside the tree.
    path              text,
    -- Creation order; Orderable folders list their children by it.
    position          bigint      NOT NULL DEFAULT nextval('document_position'),
    type              text        NOT NULL,
    -- Facets added to this instance on top of its type's (dynamic facets).
    mixins            text[]      NOT NULL DEFAULT '{}',
    lifecycle_state   text,
    -- Property values keyed "prefix:field" (dc:title, file:content, ...).
    properties        jsonb       NOT NULL DEFAULT '{}',
    is_version        boolean     NOT NULL DEFAULT false,
    version_series_id uuid,
    major_version     integer     NOT NULL DEFAULT 0,
    minor_version     integer     NOT NULL DEFAULT 0,
    version_label     text,
    is_checked_out    boolean     NOT NULL DEFAULT true,
    proxy_target_id   uuid        REFERENCES documents (id) ON DELETE CASCADE,
    is_trashed        boolean     NOT NULL DEFAULT false,
    lock_owner        text,
    lock_created      timestamptz,
    created           timestamptz NOT NULL DEFAULT now(),
    modified          timestamptz NOT NULL DEFAULT now(),
    -- changeToken is "<system_change>-<user_change>"; clients echo it back
    -- and only user_change is compared (optimistic locking).
    system_change     integer     NOT NULL DEFAULT 0,
    user_change       integer     NOT NULL DEFAULT 0,
    -- Ids from the root down to the parent: subtree queries without recursion.
    ancestors         uuid[]      NOT NULL DEFAULT '{}',
    -- Principals allowed to browse, kept in step with the ACLs, so that
    -- listings and search filter by permission inside the SQL.
    read_acl          text[]      NOT NULL DEFAULT '{}',
    fulltext          tsvector
);

-- A name is unique among its siblings (roots have no parent: one per repository).
CREATE UNIQUE INDEX documents_child_name ON documents (parent_id, name);
CREATE UNIQUE INDEX documents_path ON documents (repository, path) WHERE path IS NOT NULL;
-- @children pages: parent, then the default sort (dc:title, name).
CREATE INDEX documents_children ON documents (parent_id, (properties ->> 'dc:title'), name);
CREATE INDEX documents_ancestors ON documents USING gin (ancestors);
CREATE INDEX documents_read_acl ON documents USING gin (read_acl);
CREATE INDEX documents_version_series ON documents (version_series_id)
    WHERE version_series_id IS NOT NULL;
CREATE INDEX documents_proxy_target ON documents (proxy_target_id)
    WHERE proxy_target_id IS NOT NULL;
