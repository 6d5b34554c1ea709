package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.token.TokenKind;
import ca.heroa.appliance.token.TokenRecord;
import ca.heroa.appliance.token.TokenStore;
import ca.heroa.appliance.workspace.WorkspaceId;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** Tokens in PostgreSQL: metadata and keyed hash only. Mutations go through the {@link GroupCommitLog}. */
public final class PostgresTokenStore implements TokenStore {
    private static final String COLUMNS = "id, kind, workspace_id, name, scopes, token_hash, created_at, expires_at, revoked_at";

    private final DataSource dataSource;
    private final GroupCommitLog log;

    public PostgresTokenStore(DataSource dataSource, GroupCommitLog log) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.log = requireNonNull(log, "log is null");
    }

    @Override
    public Optional<TokenRecord> find(String tokenId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT " + COLUMNS + " FROM api_token WHERE id = ?")) {
            select.setString(1, tokenId);
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Optional.of(token(row)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public boolean create(TokenRecord token, AuditEvent event) {
        return log.execute(connection -> {
            try (PreparedStatement lock = connection.prepareStatement("SELECT 1 FROM workspace WHERE id = ? FOR SHARE")) {
                lock.setString(1, token.workspace().orElseThrow().value());
                try (ResultSet row = lock.executeQuery()) {
                    if (!row.next()) {
                        return Optional.<Boolean>empty();
                    }
                }
            }
            insert(connection, token);
            return Optional.of(Boolean.TRUE);
        }, created -> event).isPresent();
    }

    @Override
    public List<TokenRecord> listForWorkspace(WorkspaceId workspace) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT " + COLUMNS + " FROM api_token WHERE workspace_id = ? ORDER BY created_at, id")) {
            select.setString(1, workspace.value());
            try (ResultSet row = select.executeQuery()) {
                List<TokenRecord> tokens = new ArrayList<>();
                while (row.next()) {
                    tokens.add(token(row));
                }
                return tokens;
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public boolean revoke(WorkspaceId workspace, String tokenId, Instant at, AuditEvent event) {
        return log.execute(connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE api_token SET revoked_at = ? WHERE id = ? AND workspace_id = ? AND revoked_at IS NULL")) {
                update.setObject(1, Sql.timestamp(at));
                update.setString(2, tokenId);
                update.setString(3, workspace.value());
                return update.executeUpdate() == 1 ? Optional.of(Boolean.TRUE) : Optional.<Boolean>empty();
            }
        }, revoked -> event).isPresent();
    }

    @Override
    public boolean createFirstAdmin(TokenRecord token, AuditEvent event) {
        return log.execute(connection -> {
            // Serialise first starts of several processes on the chain head, which every audited change locks anyway.
            try (PreparedStatement lock = connection.prepareStatement("SELECT 1 FROM audit_chain_head WHERE id = 1 FOR UPDATE");
                 PreparedStatement exists = connection.prepareStatement(
                         "SELECT 1 FROM api_token WHERE kind = 'tenant-admin' AND revoked_at IS NULL")) {
                lock.executeQuery().close();
                try (ResultSet row = exists.executeQuery()) {
                    if (row.next()) {
                        return Optional.<Boolean>empty();
                    }
                }
            }
            insert(connection, token);
            return Optional.of(Boolean.TRUE);
        }, created -> event).isPresent();
    }

    @Override
    public void rotateAdmin(TokenRecord replacement, Instant at, AuditEvent event) {
        log.execute(connection -> {
            try (PreparedStatement revoke = connection.prepareStatement(
                    "UPDATE api_token SET revoked_at = ? WHERE kind = 'tenant-admin' AND revoked_at IS NULL")) {
                revoke.setObject(1, Sql.timestamp(at));
                revoke.executeUpdate();
            }
            insert(connection, replacement);
            return Optional.of(Boolean.TRUE);
        }, rotated -> event);
    }

    private static void insert(Connection connection, TokenRecord token) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO api_token (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setString(1, token.id());
            insert.setString(2, token.kind().storedValue());
            insert.setString(3, token.workspace().map(WorkspaceId::value).orElse(null));
            insert.setString(4, token.name());
            insert.setString(5, token.scopes().stream().map(Scope::value).sorted().collect(Collectors.joining(" ")));
            insert.setBytes(6, token.hash());
            insert.setObject(7, Sql.timestamp(token.createdAt()));
            insert.setObject(8, token.expiresAt().map(Sql::timestamp).orElse(null));
            insert.setObject(9, token.revokedAt().map(Sql::timestamp).orElse(null));
            insert.executeUpdate();
        }
    }

    private static TokenRecord token(ResultSet row) throws SQLException {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Arrays.stream(row.getString("scopes").split(" "))
                .filter(value -> !value.isBlank())
                .map(Scope::fromValue)
                .flatMap(Optional::stream)
                .forEach(scopes::add);
        return new TokenRecord(
                row.getString("id"),
                TokenKind.fromStoredValue(row.getString("kind")),
                Optional.ofNullable(row.getString("workspace_id")).map(WorkspaceId::new),
                row.getString("name"),
                scopes,
                row.getObject("created_at", OffsetDateTime.class).toInstant(),
                Sql.instant(row.getObject("expires_at", OffsetDateTime.class)),
                Sql.instant(row.getObject("revoked_at", OffsetDateTime.class)),
                row.getBytes("token_hash"));
    }
}
