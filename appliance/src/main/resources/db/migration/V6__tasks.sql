-- Tasks: one row per execution. The row and its audit entries are written in one transaction; a final state never
-- changes. Output is sealed with the workspace's data key (stdout and stderr can hold anything the task printed).
CREATE TABLE task (
    id                text        PRIMARY KEY,
    workspace_id      text        NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    appliance_id      text        NOT NULL,
    template_owner    text        NOT NULL,
    template_name     text        NOT NULL,
    template_version  integer     NOT NULL,
    image_digest      text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'lost')),
    requested_by      text        NOT NULL,
    created_at        timestamptz NOT NULL,
    started_at        timestamptz,
    ended_at          timestamptz,
    exit_code         integer,
    cpu_nanos         bigint,
    peak_memory_bytes bigint,
    peak_pids         bigint,
    wall_millis       bigint,
    reason            text,
    output_sealed_at  timestamptz,
    stdout_sealed     bytea,
    stdout_truncated  boolean     NOT NULL DEFAULT false,
    stderr_sealed     bytea,
    stderr_truncated  boolean     NOT NULL DEFAULT false
);
CREATE INDEX task_by_workspace ON task (workspace_id, created_at DESC, id DESC);
CREATE INDEX task_unfinished ON task (appliance_id) WHERE status IN ('queued', 'running');
