-- Workspace images: which image (by ID, the digest of its configuration) a workspace uploaded. The image itself lives
-- in Podman's storage, once for every workspace that uploaded it; it is removed there when the last record naming it
-- goes.
CREATE TABLE workspace_image (
    workspace_id   text        NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    digest         text        NOT NULL CHECK (digest ~ '^sha256:[0-9a-f]{64}$'),
    archive_sha256 text        NOT NULL CHECK (archive_sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes     bigint      NOT NULL CHECK (size_bytes >= 0),
    names          text[]      NOT NULL,
    created_at     timestamptz NOT NULL,
    created_by     text        NOT NULL,
    PRIMARY KEY (workspace_id, digest)
);
CREATE INDEX workspace_image_by_digest ON workspace_image (digest);
