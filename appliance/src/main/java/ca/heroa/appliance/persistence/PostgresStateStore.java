package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.state.EntityTag;
import ca.heroa.appliance.state.Precondition;
import ca.heroa.appliance.state.SealedState;
import ca.heroa.appliance.state.StateKey;
import ca.heroa.appliance.state.StateObject;
import ca.heroa.appliance.state.StatePage;
import ca.heroa.appliance.state.StateStore;
import ca.heroa.appliance.workspace.WorkspaceId;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;

import static java.util.Objects.requireNonNull;

/**
 * Sealed state objects in PostgreSQL; writes and deletions go through the {@link GroupCommitLog}. A conditional write
 * locks the key's row ({@code FOR UPDATE}) before it compares tags, so of two writers holding the same {@code If-Match}
 * exactly one wins, also across appliance processes; creating a key locks the workspace row, which serialises the
 * count against the workspace's limit.
 */
public final class PostgresStateStore implements StateStore {
    private static final String COLUMNS = "key, version, etag, size, content_type, updated_at, updated_by";
    private final DataSource dataSource;
    private final GroupCommitLog log;

    public PostgresStateStore(DataSource dataSource, GroupCommitLog log) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.log = requireNonNull(log, "log is null");
    }

    @Override
    public Put put(WorkspaceId workspace, Write write, Precondition precondition, IntFunction<byte[]> sealForVersion, int maxObjects,
                   Function<StateObject, AuditEvent> event) {
        requireNonNull(write, "write is null");
        requireNonNull(precondition, "precondition is null");
        Optional<Put> result = log.executeAll(connection -> {
            Optional<StateObject> current = locked(connection, workspace, write.key());
            if (current.isEmpty()) {
                if (!lockWorkspace(connection, workspace)) {
                    return Optional.empty();
                }
                // Another creator of the same key may have committed while this one waited for the workspace lock.
                current = locked(connection, workspace, write.key());
            }
            if (!precondition.allows(current.map(StateObject::etag))) {
                return Optional.<Put>of(new Put.PreconditionFailed());
            }
            if (current.isEmpty() && objectCount(connection, workspace) >= maxObjects) {
                return Optional.<Put>of(new Put.WorkspaceFull(maxObjects));
            }
            int version = current.map(object -> object.version() + 1).orElse(1);
            StateObject stored = new StateObject(write.key(), version, EntityTag.of(version, write.nonce()), write.size(), write.contentType(),
                    write.at(), write.updatedBy());
            String sql = current.isEmpty()
                    ? "INSERT INTO state_object (sealed, version, etag, size, content_type, updated_at, updated_by, workspace_id, key)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    : "UPDATE state_object SET sealed = ?, version = ?, etag = ?, size = ?, content_type = ?, updated_at = ?, updated_by = ?"
                            + " WHERE workspace_id = ? AND key = ?";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setBytes(1, sealForVersion.apply(version));
                statement.setInt(2, version);
                statement.setString(3, stored.etag().value());
                statement.setInt(4, stored.size());
                statement.setString(5, stored.contentType());
                statement.setObject(6, Sql.timestamp(stored.updatedAt()));
                statement.setString(7, stored.updatedBy());
                statement.setString(8, workspace.value());
                statement.setString(9, write.key().value());
                if (statement.executeUpdate() != 1) {
                    throw new SQLException("state row of a locked key changed");
                }
            }
            return Optional.<Put>of(new Put.Stored(stored, current.isEmpty()));
        }, put -> switch (put) {
            case Put.Stored stored -> List.of(event.apply(stored.object()));
            case Put.PreconditionFailed failed -> List.of();
            case Put.WorkspaceFull full -> List.of();
        });
        return result.orElseThrow(() -> new IllegalStateException("the workspace " + workspace + " vanished while its state was written"));
    }

    @Override
    public Delete delete(WorkspaceId workspace, StateKey key, Precondition precondition, Function<StateObject, AuditEvent> event) {
        requireNonNull(precondition, "precondition is null");
        Optional<Delete> result = log.executeAll(connection -> {
            Optional<StateObject> current = locked(connection, workspace, key);
            if (!precondition.allows(current.map(StateObject::etag))) {
                return Optional.<Delete>of(new Delete.PreconditionFailed());
            }
            if (current.isEmpty()) {
                return Optional.<Delete>of(new Delete.Missing());
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM state_object WHERE workspace_id = ? AND key = ?")) {
                delete.setString(1, workspace.value());
                delete.setString(2, key.value());
                delete.executeUpdate();
            }
            return Optional.<Delete>of(new Delete.Deleted(current.get()));
        }, delete -> switch (delete) {
            case Delete.Deleted deleted -> List.of(event.apply(deleted.object()));
            case Delete.Missing missing -> List.of();
            case Delete.PreconditionFailed failed -> List.of();
        });
        return result.orElseThrow();
    }

    @Override
    public Optional<SealedState> find(WorkspaceId workspace, StateKey key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + ", sealed FROM state_object WHERE workspace_id = ? AND key = ?")) {
            select.setString(1, workspace.value());
            select.setString(2, key.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(new SealedState(object(row), row.getBytes("sealed"))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public StatePage list(WorkspaceId workspace, String prefix, Optional<StateKey> after, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit out of range");
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS
                     + " FROM state_object WHERE workspace_id = ? AND key LIKE ? ESCAPE '\\' AND key > ? ORDER BY key LIMIT ?")) {
            select.setString(1, workspace.value());
            select.setString(2, likePrefix(prefix));
            select.setString(3, after.map(StateKey::value).orElse(""));
            select.setInt(4, limit + 1);
            List<StateObject> objects = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    objects.add(object(row));
                }
            }
            if (objects.size() > limit) {
                List<StateObject> page = objects.subList(0, limit);
                return new StatePage(page, Optional.of(page.get(limit - 1).key()));
            }
            return new StatePage(objects, Optional.empty());
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    /** The current version of the key, its row locked until the transaction ends; empty if there is none. */
    private static Optional<StateObject> locked(Connection connection, WorkspaceId workspace, StateKey key) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM state_object WHERE workspace_id = ? AND key = ? FOR UPDATE")) {
            select.setString(1, workspace.value());
            select.setString(2, key.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(object(row)) : Optional.empty();
            }
        }
    }

    private static boolean lockWorkspace(Connection connection, WorkspaceId workspace) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM workspace WHERE id = ? FOR UPDATE")) {
            lock.setString(1, workspace.value());
            try (ResultSet row = lock.executeQuery()) {
                return row.next();
            }
        }
    }

    private static int objectCount(Connection connection, WorkspaceId workspace) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM state_object WHERE workspace_id = ?")) {
            count.setString(1, workspace.value());
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    /** Keys hold no {@code %} or backslash; {@code _} is the only LIKE wildcard they can contain. */
    private static String likePrefix(String prefix) {
        return prefix.replace("_", "\\_") + "%";
    }

    private static StateObject object(ResultSet row) throws SQLException {
        return new StateObject(new StateKey(row.getString("key")), row.getInt("version"), new EntityTag(row.getString("etag")), row.getInt("size"),
                row.getString("content_type"), row.getObject("updated_at", OffsetDateTime.class).toInstant(), row.getString("updated_by"));
    }
}
