-- Keys under custody, the workspace vault and signed audit checkpoints.

-- Software keys, stored only wrapped (AES-256-GCM in the HSM) by a key-encryption key that never leaves the HSM.
-- owner is 'appliance:<name>' (e.g. the token-hash key) or 'workspace:<id>' (its data key); the wrapping is bound to
-- owner and key_id, so a row copied under another owner does not unwrap. Deleting a workspace deletes its key here.
CREATE TABLE wrapped_key (
    owner        text        PRIMARY KEY,
    workspace_id text        REFERENCES workspace (id) ON DELETE CASCADE,
    key_id       text        NOT NULL UNIQUE,
    wrapped_by   text        NOT NULL,
    wrapped      bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    CHECK ((owner LIKE 'workspace:%') = (workspace_id IS NOT NULL))
);
CREATE INDEX wrapped_key_by_wrapping ON wrapped_key (wrapped_by);

-- Secret values, sealed with the workspace's data key; the associated data binds workspace, kind, name and version.
CREATE TABLE secret_version (
    workspace_id text        NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    version      integer     NOT NULL CHECK (version > 0),
    sealed       bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    PRIMARY KEY (workspace_id, name, version)
);

-- Checkpoints over the audit chain head, signed in the HSM by the audit-signing key.
CREATE TABLE audit_checkpoint (
    last_seq    bigint      PRIMARY KEY,
    first_seq   bigint      NOT NULL,
    entry_count bigint      NOT NULL,
    last_hash   bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    signed_by   text        NOT NULL,
    signature   bytea       NOT NULL,
    CHECK (first_seq <= last_seq AND entry_count = last_seq - first_seq + 1)
);

-- Checkpoints are evidence and small: append-only, always (the retention purge keeps them; their signatures still verify).
CREATE FUNCTION audit_checkpoint_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_checkpoint is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_guard();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoint_guard();
