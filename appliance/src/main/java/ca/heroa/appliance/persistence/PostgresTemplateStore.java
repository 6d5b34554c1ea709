package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.template.ManifestJson;
import ca.heroa.appliance.template.ReviewEvent;
import ca.heroa.appliance.template.TemplateKey;
import ca.heroa.appliance.template.TemplateManifest;
import ca.heroa.appliance.template.TemplateName;
import ca.heroa.appliance.template.TemplateStatus;
import ca.heroa.appliance.template.TemplateStore;
import ca.heroa.appliance.template.TemplateSummary;
import ca.heroa.appliance.template.TemplateVersion;
import ca.heroa.appliance.workspace.WorkspaceId;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** Template versions in PostgreSQL; creations and status changes go through the {@link GroupCommitLog}. */
public final class PostgresTemplateStore implements TemplateStore {
    private static final String COLUMNS = "workspace_id, name, version, status, manifest, created_at, created_by";
    private final DataSource dataSource;
    private final GroupCommitLog log;

    public PostgresTemplateStore(DataSource dataSource, GroupCommitLog log) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.log = requireNonNull(log, "log is null");
    }

    @Override
    public Create create(WorkspaceId workspace, TemplateManifest manifest, Instant at, String createdBy, int maxVersions,
                         Function<TemplateVersion, AuditEvent> event) {
        Optional<Create> result = log.executeAll(connection -> {
            // Serialises this workspace's template writers in this transaction (version numbers and the version count).
            try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM workspace WHERE id = ? FOR UPDATE")) {
                lock.setString(1, workspace.value());
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Create>of(new Create.WorkspaceMissing());
                    }
                }
            }
            if (count(connection, "SELECT count(*) FROM template_version WHERE workspace_id = ?", workspace.value()) >= maxVersions) {
                return Optional.<Create>of(new Create.WorkspaceFull(maxVersions));
            }
            int latest;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT coalesce(max(version), 0) FROM template_version WHERE workspace_id = ? AND name = ?")) {
                select.setString(1, workspace.value());
                select.setString(2, manifest.name().value());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    latest = row.getInt(1);
                }
            }
            TemplateVersion version = new TemplateVersion(new TemplateKey(workspace, manifest.name(), latest + 1), TemplateStatus.PRIVATE,
                    manifest, at, createdBy);
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO template_version (" + COLUMNS
                    + ", image) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, workspace.value());
                insert.setString(2, manifest.name().value());
                insert.setInt(3, version.key().version());
                insert.setString(4, version.status().value());
                insert.setString(5, ManifestJson.write(manifest));
                insert.setObject(6, Sql.timestamp(at));
                insert.setString(7, createdBy);
                insert.setString(8, manifest.image().value());
                insert.executeUpdate();
            }
            return Optional.<Create>of(new Create.Created(version));
        }, create -> switch (create) {
            case Create.Created created -> List.of(event.apply(created.version()));
            case Create.WorkspaceFull full -> List.of();
            case Create.WorkspaceMissing missing -> List.of();
        });
        return result.orElseThrow();
    }

    @Override
    public Transition transition(TemplateKey key, TemplateStatus to, Function<TemplateVersion, Optional<Refusal>> guard, ReviewEvent review,
                                 Function<Transition, List<AuditEvent>> events) {
        Optional<Transition> result = log.executeAll(connection -> {
            Optional<TemplateVersion> locked = select(connection, "SELECT " + COLUMNS
                    + " FROM template_version WHERE workspace_id = ? AND name = ? AND version = ? FOR UPDATE", key);
            if (locked.isEmpty()) {
                return Optional.<Transition>of(new Transition.Missing());
            }
            TemplateVersion current = locked.get();
            Optional<Refusal> refusal = guard.apply(current);
            if (refusal.isPresent()) {
                return Optional.<Transition>of(new Transition.Refused(refusal.get(), current));
            }
            if (to == TemplateStatus.APPROVED && !claimPublicName(connection, key)) {
                return Optional.<Transition>of(new Transition.NameTaken(current));
            }
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE template_version SET status = ? WHERE workspace_id = ? AND name = ? AND version = ?")) {
                update.setString(1, to.value());
                bindKey(update, 2, key);
                update.executeUpdate();
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO template_review (workspace_id, name, version, action, actor, comment, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                bindKey(insert, 1, key);
                insert.setString(4, review.action().value());
                insert.setString(5, review.actor());
                insert.setString(6, review.comment().orElse(null));
                insert.setObject(7, Sql.timestamp(review.at()));
                insert.executeUpdate();
            }
            return Optional.<Transition>of(new Transition.Done(current.withStatus(to)));
        }, events::apply);
        return result.orElseThrow();
    }

    /** True if {@code key}'s workspace holds the public name (now, or already); false if another workspace does. */
    private static boolean claimPublicName(Connection connection, TemplateKey key) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO template_public_name (name, workspace_id) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
            insert.setString(1, key.name().value());
            insert.setString(2, key.workspace().value());
            insert.executeUpdate();
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT workspace_id FROM template_public_name WHERE name = ?")) {
            select.setString(1, key.name().value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() && row.getString(1).equals(key.workspace().value());
            }
        }
    }

    @Override
    public Optional<TemplateVersion> version(TemplateKey key) {
        return query(connection -> select(connection, "SELECT " + COLUMNS
                + " FROM template_version WHERE workspace_id = ? AND name = ? AND version = ?", key));
    }

    @Override
    public List<TemplateVersion> versions(WorkspaceId workspace, TemplateName name) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM template_version WHERE workspace_id = ? AND name = ? ORDER BY version DESC")) {
                select.setString(1, workspace.value());
                select.setString(2, name.value());
                return all(select);
            }
        });
    }

    @Override
    public Optional<TemplateVersion> own(WorkspaceId workspace, TemplateName name, Optional<Integer> version) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM template_version WHERE workspace_id = ? AND name = ? AND (? OR version = ?) ORDER BY version DESC LIMIT 1")) {
                select.setString(1, workspace.value());
                select.setString(2, name.value());
                select.setBoolean(3, version.isEmpty());
                select.setInt(4, version.orElse(0));
                return all(select).stream().findFirst();
            }
        });
    }

    @Override
    public Optional<TemplateVersion> approved(TemplateName name, Optional<Integer> version) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + qualified("v") + """
                     FROM template_public_name p JOIN template_version v ON v.workspace_id = p.workspace_id AND v.name = p.name
                    WHERE p.name = ? AND v.status = 'approved' AND (? OR v.version = ?) ORDER BY v.version DESC LIMIT 1""")) {
                select.setString(1, name.value());
                select.setBoolean(2, version.isEmpty());
                select.setInt(3, version.orElse(0));
                return all(select).stream().findFirst();
            }
        });
    }

    @Override
    public List<TemplateVersion> approvedVersions(TemplateName name) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + qualified("v") + """
                     FROM template_public_name p JOIN template_version v ON v.workspace_id = p.workspace_id AND v.name = p.name
                    WHERE p.name = ? AND v.status = 'approved' ORDER BY v.version DESC""")) {
                select.setString(1, name.value());
                return all(select);
            }
        });
    }

    @Override
    public List<ReviewEvent> history(TemplateKey key) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT action, actor, comment, occurred_at FROM template_review"
                    + " WHERE workspace_id = ? AND name = ? AND version = ? ORDER BY id")) {
                bindKey(select, 1, key);
                List<ReviewEvent> events = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        events.add(new ReviewEvent(ReviewEvent.Action.fromValue(row.getString("action")), row.getString("actor"),
                                row.getObject("occurred_at", OffsetDateTime.class).toInstant(), Optional.ofNullable(row.getString("comment"))));
                    }
                }
                return events;
            }
        });
    }

    @Override
    public List<TemplateSummary> visibleTo(WorkspaceId workspace) {
        return query(connection -> {
            List<TemplateSummary> summaries = new ArrayList<>();
            try (PreparedStatement own = connection.prepareStatement("""
                    SELECT DISTINCT ON (name) name, version, status, created_at,
                           bool_or(status = 'approved') OVER (PARTITION BY name) AS published
                    FROM template_version WHERE workspace_id = ? ORDER BY name, version DESC""")) {
                own.setString(1, workspace.value());
                try (ResultSet row = own.executeQuery()) {
                    while (row.next()) {
                        summaries.add(new TemplateSummary(new TemplateName(row.getString("name")), true, row.getBoolean("published"),
                                row.getInt("version"), TemplateStatus.fromValue(row.getString("status")),
                                row.getObject("created_at", OffsetDateTime.class).toInstant()));
                    }
                }
            }
            // Public templates of other workspaces, except names this workspace uses itself (its own name shadows them).
            try (PreparedStatement published = connection.prepareStatement("""
                    SELECT DISTINCT ON (v.name) v.name, v.version, v.created_at
                    FROM template_public_name p JOIN template_version v ON v.workspace_id = p.workspace_id AND v.name = p.name
                    WHERE p.workspace_id <> ? AND v.status = 'approved'
                      AND NOT EXISTS (SELECT 1 FROM template_version o WHERE o.workspace_id = ? AND o.name = p.name)
                    ORDER BY v.name, v.version DESC""")) {
                published.setString(1, workspace.value());
                published.setString(2, workspace.value());
                try (ResultSet row = published.executeQuery()) {
                    while (row.next()) {
                        summaries.add(new TemplateSummary(new TemplateName(row.getString("name")), false, true, row.getInt("version"),
                                TemplateStatus.APPROVED, row.getObject("created_at", OffsetDateTime.class).toInstant()));
                    }
                }
            }
            summaries.sort(java.util.Comparator.comparing(summary -> summary.name().value()));
            return summaries;
        });
    }

    @Override
    public List<TemplateVersion> pending(int limit) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                    + " FROM template_version WHERE status = 'pending_review' ORDER BY created_at, workspace_id, name, version LIMIT ?")) {
                select.setInt(1, limit);
                return all(select);
            }
        });
    }

    @Override
    public Optional<String> imageUsedBy(WorkspaceId workspace, ImageDigest image) {
        return query(connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT name, version FROM template_version
                    WHERE image = ? AND (workspace_id = ? OR status = 'approved')
                    ORDER BY workspace_id = ? DESC, name, version DESC LIMIT 1""")) {
                select.setString(1, image.value());
                select.setString(2, workspace.value());
                select.setString(3, workspace.value());
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(row.getString("name") + ":" + row.getInt("version")) : Optional.<String>empty();
                }
            }
        });
    }

    @FunctionalInterface
    private interface Query<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T query(Query<T> query) {
        try (Connection connection = dataSource.getConnection()) {
            return query.run(connection);
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    private static Optional<TemplateVersion> select(Connection connection, String sql, TemplateKey key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            bindKey(select, 1, key);
            return all(select).stream().findFirst();
        }
    }

    private static List<TemplateVersion> all(PreparedStatement select) throws SQLException {
        List<TemplateVersion> versions = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
                versions.add(new TemplateVersion(
                        new TemplateKey(new WorkspaceId(row.getString("workspace_id")), new TemplateName(row.getString("name")), row.getInt("version")),
                        TemplateStatus.fromValue(row.getString("status")), ManifestJson.stored(row.getString("manifest")),
                        row.getObject("created_at", OffsetDateTime.class).toInstant(), row.getString("created_by")));
            }
        }
        return versions;
    }

    private static void bindKey(PreparedStatement statement, int first, TemplateKey key) throws SQLException {
        statement.setString(first, key.workspace().value());
        statement.setString(first + 1, key.name().value());
        statement.setInt(first + 2, key.version());
    }

    private static String qualified(String alias) {
        return String.join(", ", java.util.Arrays.stream(COLUMNS.split(", ")).map(column -> alias + "." + column).toList());
    }

    private static int count(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(sql)) {
            count.setString(1, parameter);
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
