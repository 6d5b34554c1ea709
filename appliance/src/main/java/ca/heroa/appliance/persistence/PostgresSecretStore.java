package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.vault.SealedSecret;
import ca.heroa.appliance.vault.SecretName;
import ca.heroa.appliance.vault.SecretStore;
import ca.heroa.appliance.vault.SecretSummary;
import ca.heroa.appliance.vault.SecretVersion;
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
import java.util.function.IntFunction;

import static java.util.Objects.requireNonNull;

/** Sealed secret versions in PostgreSQL; writes and deletions go through the {@link GroupCommitLog}. */
public final class PostgresSecretStore implements SecretStore {
    private final DataSource dataSource;
    private final GroupCommitLog log;

    public PostgresSecretStore(DataSource dataSource, GroupCommitLog log) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.log = requireNonNull(log, "log is null");
    }

    @Override
    public Put put(WorkspaceId workspace, SecretName name, IntFunction<byte[]> sealForVersion, Instant at, String createdBy, int keepVersions,
                   int maxSecrets, Function<SecretVersion, AuditEvent> event) {
        Optional<Put> result = log.executeAll(connection -> {
            // Serialises writers of this workspace's vault in this transaction (versions and the secret count).
            try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM workspace WHERE id = ? FOR UPDATE")) {
                lock.setString(1, workspace.value());
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                }
            }
            int latest = 0;
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT coalesce(max(version), 0) FROM secret_version WHERE workspace_id = ? AND name = ?")) {
                select.setString(1, workspace.value());
                select.setString(2, name.value());
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    latest = row.getInt(1);
                }
            }
            if (latest == 0 && secretCount(connection, workspace) >= maxSecrets) {
                return Optional.of(new Put.WorkspaceFull(maxSecrets));
            }
            SecretVersion version = new SecretVersion(name, latest + 1, at, createdBy);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO secret_version (workspace_id, name, version, sealed, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, workspace.value());
                insert.setString(2, name.value());
                insert.setInt(3, version.version());
                insert.setBytes(4, sealForVersion.apply(version.version()));
                insert.setObject(5, Sql.timestamp(at));
                insert.setString(6, createdBy);
                insert.executeUpdate();
            }
            try (PreparedStatement prune = connection.prepareStatement(
                    "DELETE FROM secret_version WHERE workspace_id = ? AND name = ? AND version <= ?")) {
                prune.setString(1, workspace.value());
                prune.setString(2, name.value());
                prune.setInt(3, version.version() - keepVersions);
                prune.executeUpdate();
            }
            return Optional.<Put>of(new Put.Stored(version));
        }, put -> switch (put) {
            case Put.Stored stored -> List.of(event.apply(stored.version()));
            case Put.WorkspaceFull full -> List.of();
        });
        return result.orElseThrow(() -> new IllegalStateException("the workspace " + workspace + " vanished while its secret was written"));
    }

    private static int secretCount(Connection connection, WorkspaceId workspace) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT count(DISTINCT name) FROM secret_version WHERE workspace_id = ?")) {
            count.setString(1, workspace.value());
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    @Override
    public List<SecretSummary> list(WorkspaceId workspace) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT DISTINCT ON (name) name, version, count(*) OVER (PARTITION BY name) AS versions, created_at, created_by
                     FROM secret_version WHERE workspace_id = ? ORDER BY name, version DESC""")) {
            select.setString(1, workspace.value());
            List<SecretSummary> secrets = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    secrets.add(new SecretSummary(new SecretName(row.getString("name")), row.getInt("version"), row.getInt("versions"),
                            row.getObject("created_at", OffsetDateTime.class).toInstant(), row.getString("created_by")));
                }
            }
            return secrets;
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public List<SecretVersion> versions(WorkspaceId workspace, SecretName name) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT version, created_at, created_by FROM secret_version WHERE workspace_id = ? AND name = ? ORDER BY version DESC")) {
            select.setString(1, workspace.value());
            select.setString(2, name.value());
            List<SecretVersion> versions = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    versions.add(new SecretVersion(name, row.getInt("version"), row.getObject("created_at", OffsetDateTime.class).toInstant(),
                            row.getString("created_by")));
                }
            }
            return versions;
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public boolean delete(WorkspaceId workspace, SecretName name, Function<Integer, AuditEvent> event) {
        return log.execute(connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM secret_version WHERE workspace_id = ? AND name = ?")) {
                delete.setString(1, workspace.value());
                delete.setString(2, name.value());
                int deleted = delete.executeUpdate();
                return deleted > 0 ? Optional.of(deleted) : Optional.<Integer>empty();
            }
        }, event).isPresent();
    }

    @Override
    public Optional<SealedSecret> latest(WorkspaceId workspace, SecretName name) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT version, created_at, sealed FROM secret_version WHERE workspace_id = ? AND name = ? ORDER BY version DESC LIMIT 1")) {
            select.setString(1, workspace.value());
            select.setString(2, name.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new SealedSecret(name, row.getInt("version"),
                        row.getObject("created_at", OffsetDateTime.class).toInstant(), row.getBytes("sealed"))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }
}
