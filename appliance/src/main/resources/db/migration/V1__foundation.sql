-- Workspaces, API tokens and the hash-chained, append-only audit log.
-- Portable SQL where possible; the triggers are PostgreSQL's (an Oracle dialect gets its own migration).

CREATE TABLE workspace (
    id          text        PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL
);

CREATE TABLE api_token (
    id           text        PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('tenant-admin', 'workspace')),
    workspace_id text        REFERENCES workspace (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    scopes       text        NOT NULL,
    token_hash   bytea       NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    CHECK ((kind = 'workspace') = (workspace_id IS NOT NULL))
);
CREATE INDEX api_token_by_workspace ON api_token (workspace_id);

CREATE TABLE audit_log (
    seq            bigint      PRIMARY KEY,
    occurred_at    timestamptz NOT NULL,
    actor          text        NOT NULL,
    workspace_id   text,
    action         text        NOT NULL,
    target         text        NOT NULL,
    outcome        text        NOT NULL,
    request_id     text,
    source_address text,
    details        text        NOT NULL,
    prev_hash      bytea       NOT NULL,
    entry_hash     bytea       NOT NULL
);
CREATE INDEX audit_log_by_workspace ON audit_log (workspace_id, seq);
CREATE INDEX audit_log_by_time ON audit_log (occurred_at);

-- The newest link of the chain. Its row lock serialises appends (one lock per batch, not per entry).
CREATE TABLE audit_chain_head (
    id        integer PRIMARY KEY CHECK (id = 1),
    last_seq  bigint  NOT NULL,
    last_hash bytea   NOT NULL
);
INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- Where the retained chain starts after a retention purge: the last purged entry's sequence and hash.
CREATE TABLE audit_anchor (
    purged_through bigint      PRIMARY KEY,
    anchor_hash    bytea       NOT NULL,
    purged_at      timestamptz NOT NULL
);

-- audit_log: no UPDATE, no TRUNCATE, and DELETE only inside the retention purge's transaction.
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('heroa.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();

-- audit_anchor: append-only, always.
CREATE FUNCTION audit_anchor_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_anchor is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_anchor_append_only BEFORE UPDATE OR DELETE ON audit_anchor
    FOR EACH ROW EXECUTE FUNCTION audit_anchor_guard();
CREATE TRIGGER audit_anchor_no_truncate BEFORE TRUNCATE ON audit_anchor
    FOR EACH STATEMENT EXECUTE FUNCTION audit_anchor_guard();

-- audit_chain_head: one row that only moves forward.
CREATE FUNCTION audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_seq > OLD.last_seq THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_chain_head only moves forward: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE OR DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard();
