-- The workspace state store: one row per key, holding its current version. The value (with its content type) is sealed
-- with the workspace's data key; the associated data binds workspace, kind, key, version and updated_at, so a value
-- copied to another row, key or workspace does not open. Key, size and content type are in clear, like secret names.
-- Deleting the workspace deletes its state (and its data key: crypto-erase); the byte-wise "C" collation makes key order
-- and prefix ranges independent of the server's locale.
CREATE TABLE state_object (
    workspace_id text        NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    key          text        COLLATE "C" NOT NULL CHECK (length(key) BETWEEN 1 AND 512),
    version      integer     NOT NULL CHECK (version > 0),
    etag         text        NOT NULL CHECK (length(etag) BETWEEN 1 AND 64),
    content_type text        NOT NULL CHECK (length(content_type) BETWEEN 1 AND 128),
    size         integer     NOT NULL CHECK (size >= 0),
    sealed       bytea       NOT NULL,
    updated_at   timestamptz NOT NULL,
    updated_by   text        NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
