package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditCheckpoint;
import ca.heroa.appliance.audit.CheckpointStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Signed audit checkpoints in PostgreSQL (an append-only table). */
public final class PostgresCheckpointStore implements CheckpointStore {
    private static final String COLUMNS = AuditRows.CHECKPOINT_COLUMNS;
    private final DataSource dataSource;

    public PostgresCheckpointStore(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    @Override
    public Optional<AuditCheckpoint> latest() {
        List<AuditCheckpoint> latest = select("SELECT " + COLUMNS + " FROM audit_checkpoint ORDER BY last_seq DESC LIMIT 1");
        return latest.stream().findFirst();
    }

    @Override
    public List<AuditCheckpoint> all() {
        return select("SELECT " + COLUMNS + " FROM audit_checkpoint ORDER BY last_seq");
    }

    @Override
    public void insert(AuditCheckpoint checkpoint) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO audit_checkpoint (" + COLUMNS
                     + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (last_seq) DO NOTHING")) {
            insert.setLong(1, checkpoint.firstSequence());
            insert.setLong(2, checkpoint.lastSequence());
            insert.setLong(3, checkpoint.entryCount());
            insert.setBytes(4, checkpoint.lastHash());
            insert.setObject(5, Sql.timestamp(checkpoint.createdAt()));
            insert.setString(6, checkpoint.signedBy());
            insert.setBytes(7, checkpoint.signature());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public Optional<byte[]> entryHash(long sequence) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT entry_hash FROM audit_log WHERE seq = ?")) {
            select.setLong(1, sequence);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(row.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    private List<AuditCheckpoint> select(String sql) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql);
             ResultSet row = select.executeQuery()) {
            List<AuditCheckpoint> checkpoints = new ArrayList<>();
            while (row.next()) {
                checkpoints.add(AuditRows.checkpoint(row));
            }
            return checkpoints;
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }
}
