package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.workspace.Workspace;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceNameTakenException;
import ca.heroa.appliance.workspace.WorkspaceStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Workspaces in PostgreSQL; mutations go through the {@link GroupCommitLog}. */
public final class PostgresWorkspaceStore implements WorkspaceStore {
    private final DataSource dataSource;
    private final GroupCommitLog log;

    public PostgresWorkspaceStore(DataSource dataSource, GroupCommitLog log) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.log = requireNonNull(log, "log is null");
    }

    @Override
    public void create(Workspace workspace, AuditEvent event) {
        log.execute(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO workspace (id, name, created_at) VALUES (?, ?, ?)")) {
                insert.setString(1, workspace.id().value());
                insert.setString(2, workspace.name());
                insert.setObject(3, Sql.timestamp(workspace.createdAt()));
                insert.executeUpdate();
                return Optional.of(workspace);
            } catch (SQLException e) {
                if (Sql.uniqueViolation(e)) {
                    throw new WorkspaceNameTakenException();
                }
                throw e;
            }
        }, created -> event);
    }

    @Override
    public Optional<Workspace> find(WorkspaceId id) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id, name, created_at FROM workspace WHERE id = ?")) {
            select.setString(1, id.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(workspace(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public List<Workspace> list() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id, name, created_at FROM workspace ORDER BY name");
             ResultSet row = select.executeQuery()) {
            List<Workspace> workspaces = new ArrayList<>();
            while (row.next()) {
                workspaces.add(workspace(row));
            }
            return workspaces;
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public Optional<Workspace> rename(WorkspaceId id, String name, AuditEvent event) {
        return log.execute(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE workspace SET name = ? WHERE id = ? RETURNING id, name, created_at")) {
                update.setString(1, name);
                update.setString(2, id.value());
                try (ResultSet row = update.executeQuery()) {
                    return row.next() ? Optional.of(workspace(row)) : Optional.empty();
                }
            } catch (SQLException e) {
                if (Sql.uniqueViolation(e)) {
                    throw new WorkspaceNameTakenException();
                }
                throw e;
            }
        }, renamed -> event);
    }

    /**
     * Deletes the workspace with everything it owns, and destroys its data key in the same transaction: the deletion
     * and a destruction record naming the key are audited together. Its sealed secrets and state become unrecoverable
     * (crypto-erase); the key-encryption key rotation that follows makes older backups of the wrapped key useless too.
     */
    @Override
    public boolean delete(WorkspaceId id, AuditEvent event) {
        return log.executeAll(connection -> {
            Optional<String> keyId = Optional.empty();
            try (PreparedStatement destroy = connection.prepareStatement("DELETE FROM wrapped_key WHERE owner = ? RETURNING key_id")) {
                destroy.setString(1, "workspace:" + id.value());
                try (ResultSet row = destroy.executeQuery()) {
                    if (row.next()) {
                        keyId = Optional.of(row.getString(1));
                    }
                }
            }
            int secrets;
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM secret_version WHERE workspace_id = ?")) {
                delete.setString(1, id.value());
                secrets = delete.executeUpdate();
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM workspace WHERE id = ?")) {
                delete.setString(1, id.value());
                return delete.executeUpdate() == 1 ? Optional.of(new Deleted(keyId, secrets)) : Optional.<Deleted>empty();
            }
        }, deleted -> deleted.keyId().map(keyId -> List.of(event, new AuditEvent(event.occurredAt(), event.actor(), event.workspace(),
                "workspace-key.destroy", "key:" + keyId, event.outcome(), event.requestId(), event.sourceAddress(),
                new java.util.TreeMap<>(java.util.Map.of("secretVersions", Integer.toString(deleted.secretVersions())))))).orElse(List.of(event)))
                .isPresent();
    }

    private record Deleted(Optional<String> keyId, int secretVersions) {
    }

    private static Workspace workspace(ResultSet row) throws SQLException {
        return new Workspace(new WorkspaceId(row.getString("id")), row.getString("name"),
                row.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
