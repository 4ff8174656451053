-- Workflow instances and their tasks. An instance runs a model (declared in
-- code, docgraph.workflows.models) over documents; its variables and those
-- of its nodes are JSON objects; tasks are opened and ended in the
-- transaction that moves the instance on.
CREATE TABLE workflow_instances (
    id            uuid        PRIMARY KEY,
    repository    text        NOT NULL,
    model         text        NOT NULL,
    -- running, done or canceled.
    state         text        NOT NULL,
    initiator     text        NOT NULL,
    document_ids  uuid[]      NOT NULL DEFAULT '{}',
    variables     jsonb       NOT NULL DEFAULT '{}',
    -- node id -> that node's variables (and the button its last task ended with).
    node_variables jsonb      NOT NULL DEFAULT '{}',
    created       timestamptz NOT NULL DEFAULT now(),
    ended         timestamptz
);
CREATE INDEX workflow_instances_running ON workflow_instances (initiator, model)
    WHERE state = 'running';
CREATE INDEX workflow_instances_documents ON workflow_instances USING gin (document_ids);

CREATE TABLE workflow_tasks (
    id               uuid        PRIMARY KEY,
    instance_id      uuid        NOT NULL REFERENCES workflow_instances (id) ON DELETE CASCADE,
    node_id          text        NOT NULL,
    -- opened, ended or cancelled.
    state            text        NOT NULL,
    -- "user:name" / "group:name".
    actors           text[]      NOT NULL,
    delegated_actors text[]      NOT NULL DEFAULT '{}',
    comments         jsonb       NOT NULL DEFAULT '[]',
    variables        jsonb       NOT NULL DEFAULT '{}',
    button           text,
    ended_by         text,
    created          timestamptz NOT NULL DEFAULT now(),
    due_date         timestamptz,
    ended            timestamptz
);
CREATE INDEX workflow_tasks_instance ON workflow_tasks (instance_id, node_id);
CREATE INDEX workflow_tasks_open_actors ON workflow_tasks USING gin ((actors || delegated_actors))
    WHERE state = 'opened';
