package ca.heroa.appliance.persistence;

import ca.heroa.appliance.custody.KeyOwner;
import ca.heroa.appliance.custody.StoredKey;
import ca.heroa.appliance.custody.WrappedKeyStore;
import ca.heroa.hsm.WrappedKey;

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

/**
 * Wrapped software keys in PostgreSQL. Creating one is not audited by itself (the operation that needed it is);
 * destroying a workspace's key is, with the workspace's deletion ({@link PostgresWorkspaceStore#delete}).
 */
public final class PostgresWrappedKeyStore implements WrappedKeyStore {
    private static final String COLUMNS = "owner, key_id, wrapped_by, wrapped, created_at";
    private final DataSource dataSource;

    public PostgresWrappedKeyStore(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    @Override
    public Optional<StoredKey> find(KeyOwner owner) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM wrapped_key WHERE owner = ?")) {
            select.setString(1, owner.value());
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(key(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public StoredKey insertIfAbsent(StoredKey key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO wrapped_key (owner, workspace_id, key_id, wrapped_by, wrapped, created_at)
                     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (owner) DO NOTHING""")) {
            insert.setString(1, key.owner().value());
            insert.setString(2, key.owner().workspace().map(id -> id.value()).orElse(null));
            insert.setString(3, key.keyId());
            insert.setString(4, key.wrapped().keyEncryptionKey());
            insert.setBytes(5, key.wrapped().bytes());
            insert.setObject(6, Sql.timestamp(key.createdAt()));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
        return find(key.owner()).orElseThrow(() -> new StorageUnavailableException(new SQLException("the key of " + key.owner().value()
                + " vanished as it was stored (its workspace was deleted)")));
    }

    @Override
    public List<StoredKey> notWrappedBy(String keyEncryptionKey) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM wrapped_key WHERE wrapped_by <> ? ORDER BY owner")) {
            select.setString(1, keyEncryptionKey);
            List<StoredKey> keys = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    keys.add(key(row));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public boolean rewrap(StoredKey key, WrappedKey rewrapped) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE wrapped_key SET wrapped_by = ?, wrapped = ? WHERE owner = ? AND key_id = ? AND wrapped = ?")) {
            update.setString(1, rewrapped.keyEncryptionKey());
            update.setBytes(2, rewrapped.bytes());
            update.setString(3, key.owner().value());
            update.setString(4, key.keyId());
            update.setBytes(5, key.wrapped().bytes());
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    private static StoredKey key(ResultSet row) throws SQLException {
        return new StoredKey(KeyOwner.parse(row.getString("owner")), row.getString("key_id"),
                new WrappedKey(row.getString("wrapped_by"), row.getBytes("wrapped")), row.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
