-- Task templates (promise 6): immutable versions, their review history, and the tenant-wide names of public templates.

-- One row per version. The manifest is the canonical JSON the appliance wrote (site defaults filled in), so what a
-- version runs never depends on later configuration. Only the status ever changes (trigger below).
CREATE TABLE template_version (
    workspace_id text        NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    version      integer     NOT NULL CHECK (version > 0),
    status       text        NOT NULL CHECK (status IN ('private', 'pending_review', 'approved', 'rejected')),
    image        text        NOT NULL,
    manifest     text        NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    PRIMARY KEY (workspace_id, name, version)
);
CREATE INDEX template_version_by_status ON template_version (status, name, version);
CREATE INDEX template_version_by_image ON template_version (image);

-- The workspace whose approved versions a public name resolves to. Claimed by the first approval of that name; the
-- primary key is what keeps two workspaces from publishing the same name, even from two appliance hosts at once.
CREATE TABLE template_public_name (
    name         text PRIMARY KEY,
    workspace_id text NOT NULL REFERENCES workspace (id) ON DELETE CASCADE
);

-- Who submitted, approved or rejected a version, when, and the reviewer's comment.
CREATE TABLE template_review (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id text        NOT NULL,
    name         text        NOT NULL,
    version      integer     NOT NULL,
    action       text        NOT NULL CHECK (action IN ('submitted', 'approved', 'rejected')),
    actor        text        NOT NULL,
    comment      text,
    occurred_at  timestamptz NOT NULL,
    FOREIGN KEY (workspace_id, name, version) REFERENCES template_version (workspace_id, name, version) ON DELETE CASCADE
);
CREATE INDEX template_review_by_version ON template_review (workspace_id, name, version, id);

-- A version is immutable: an UPDATE may change its status only, and only along the review workflow. An approved version
-- stays approved. (Deleting the workspace deletes its versions; nothing else deletes one.)
CREATE FUNCTION template_version_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.workspace_id IS DISTINCT FROM OLD.workspace_id OR NEW.name IS DISTINCT FROM OLD.name
            OR NEW.version IS DISTINCT FROM OLD.version OR NEW.image IS DISTINCT FROM OLD.image
            OR NEW.manifest IS DISTINCT FROM OLD.manifest OR NEW.created_at IS DISTINCT FROM OLD.created_at
            OR NEW.created_by IS DISTINCT FROM OLD.created_by THEN
        RAISE EXCEPTION 'template versions are immutable; a change is a new version' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT ((OLD.status IN ('private', 'rejected') AND NEW.status = 'pending_review')
            OR (OLD.status = 'pending_review' AND NEW.status IN ('approved', 'rejected'))) THEN
        RAISE EXCEPTION 'template status % cannot become %', OLD.status, NEW.status USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER template_version_immutable BEFORE UPDATE ON template_version
    FOR EACH ROW EXECUTE FUNCTION template_version_guard();

-- Review history and public names are written once.
CREATE FUNCTION template_append_only_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: UPDATE refused', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER template_review_no_update BEFORE UPDATE ON template_review
    FOR EACH ROW EXECUTE FUNCTION template_append_only_guard();
CREATE TRIGGER template_public_name_no_update BEFORE UPDATE ON template_public_name
    FOR EACH ROW EXECUTE FUNCTION template_append_only_guard();
