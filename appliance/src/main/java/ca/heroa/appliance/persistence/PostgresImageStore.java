package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.image.ImageStore;
import ca.heroa.appliance.image.WorkspaceImage;
import ca.heroa.appliance.workspace.WorkspaceId;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** Workspace image records in PostgreSQL; additions and deletions go through the {@link GroupCommitLog}. */
public final class PostgresImageStore implements ImageStore {
    private static final String COLUMNS = "digest, archive_sha256, size_bytes, names, created_at, created_by";
    private final DataSource dataSource;
    private final GroupCommitLog log;

    public PostgresImageStore(DataSource dataSource, GroupCommitLog log) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.log = requireNonNull(log, "log is null");
    }

    @Override
    public Add add(WorkspaceId workspace, WorkspaceImage image, int maxImages, Function<WorkspaceImage, AuditEvent> event) {
        Optional<Add> result = log.executeAll(connection -> {
            // Serialises this workspace's image writers (the count) in this transaction.
            try (PreparedStatement lock = connection.prepareStatement("SELECT id FROM workspace WHERE id = ? FOR UPDATE")) {
                lock.setString(1, workspace.value());
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Add>of(new Add.NoWorkspace());
                    }
                }
            }
            Optional<WorkspaceImage> existing = find(connection, workspace, image.digest());
            if (existing.isPresent()) {
                return Optional.<Add>of(new Add.AlreadyHeld(existing.get()));
            }
            try (PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM workspace_image WHERE workspace_id = ?")) {
                count.setString(1, workspace.value());
                try (ResultSet row = count.executeQuery()) {
                    row.next();
                    if (row.getInt(1) >= maxImages) {
                        return Optional.<Add>of(new Add.WorkspaceFull(maxImages));
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO workspace_image (workspace_id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, workspace.value());
                insert.setString(2, image.digest().value());
                insert.setString(3, image.archiveSha256());
                insert.setLong(4, image.sizeBytes());
                Array names = connection.createArrayOf("text", image.names().toArray());
                insert.setArray(5, names);
                insert.setObject(6, Sql.timestamp(image.createdAt()));
                insert.setString(7, image.createdBy());
                insert.executeUpdate();
            }
            return Optional.<Add>of(new Add.Added(image));
        }, add -> switch (add) {
            case Add.Added added -> List.of(event.apply(added.image()));
            case Add.AlreadyHeld held -> List.of();
            case Add.WorkspaceFull full -> List.of();
            case Add.NoWorkspace none -> List.of();
        });
        return result.orElseThrow(() -> new IllegalStateException("recording an image returned no outcome"));
    }

    @Override
    public List<WorkspaceImage> list(WorkspaceId workspace) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM workspace_image WHERE workspace_id = ? ORDER BY created_at, digest")) {
            select.setString(1, workspace.value());
            List<WorkspaceImage> images = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    images.add(image(row));
                }
            }
            return images;
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public Optional<WorkspaceImage> find(WorkspaceId workspace, ImageDigest digest) {
        try (Connection connection = dataSource.getConnection()) {
            return find(connection, workspace, digest);
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    private static Optional<WorkspaceImage> find(Connection connection, WorkspaceId workspace, ImageDigest digest) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + COLUMNS + " FROM workspace_image WHERE workspace_id = ? AND digest = ?")) {
            select.setString(1, workspace.value());
            select.setString(2, digest.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(image(row)) : Optional.empty();
            }
        }
    }

    @Override
    public boolean holds(WorkspaceId workspace, ImageDigest digest) {
        return exists("SELECT 1 FROM workspace_image WHERE workspace_id = ? AND digest = ?", workspace.value(), digest.value());
    }

    @Override
    public boolean anyHolds(ImageDigest digest) {
        return exists("SELECT 1 FROM workspace_image WHERE digest = ? LIMIT 1", digest.value());
    }

    private boolean exists(String sql, String... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public boolean delete(WorkspaceId workspace, ImageDigest digest, Function<WorkspaceImage, AuditEvent> event) {
        return log.execute(connection -> {
            Optional<WorkspaceImage> image = find(connection, workspace, digest);
            if (image.isEmpty()) {
                return image;
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM workspace_image WHERE workspace_id = ? AND digest = ?")) {
                delete.setString(1, workspace.value());
                delete.setString(2, digest.value());
                delete.executeUpdate();
            }
            return image;
        }, event).isPresent();
    }

    private static WorkspaceImage image(ResultSet row) throws SQLException {
        Array names = row.getArray("names");
        List<String> nameList = names == null ? List.of() : List.of((String[]) names.getArray());
        return new WorkspaceImage(new ImageDigest(row.getString("digest")), row.getString("archive_sha256"), row.getLong("size_bytes"),
                nameList, row.getObject("created_at", OffsetDateTime.class).toInstant(), row.getString("created_by"));
    }
}
