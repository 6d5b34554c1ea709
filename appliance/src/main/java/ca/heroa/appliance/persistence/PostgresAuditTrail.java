package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEntry;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditPage;
import ca.heroa.appliance.audit.AuditQuery;
import ca.heroa.appliance.audit.AuditTrail;
import ca.heroa.appliance.audit.AuditVerification;
import ca.heroa.appliance.audit.ChainHead;
import ca.heroa.appliance.audit.ChainVerifier;
import ca.heroa.appliance.audit.ChainBreak;
import ca.heroa.appliance.audit.Outcome;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** The audit log in PostgreSQL: appends through the {@link GroupCommitLog}, reads, verification and purge. */
public final class PostgresAuditTrail implements AuditTrail {
    private static final int VERIFY_FETCH_SIZE = 1_000;

    private final DataSource dataSource;
    private final GroupCommitLog log;

    public PostgresAuditTrail(DataSource dataSource, GroupCommitLog log) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.log = requireNonNull(log, "log is null");
    }

    @Override
    public void append(AuditEvent event) {
        log.append(event);
    }

    @Override
    public AuditPage query(AuditQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + AuditRows.COLUMNS + " FROM audit_log WHERE true");
        List<Object> parameters = new ArrayList<>();
        query.workspace().ifPresent(value -> condition(sql, parameters, " AND workspace_id = ?", value));
        query.action().ifPresent(value -> condition(sql, parameters, " AND action = ?", value));
        query.actor().ifPresent(value -> condition(sql, parameters, " AND actor = ?", value));
        query.outcome().ifPresent(value -> condition(sql, parameters, " AND outcome = ?", value.value()));
        query.since().ifPresent(value -> condition(sql, parameters, " AND occurred_at >= ?", Sql.timestamp(value)));
        query.until().ifPresent(value -> condition(sql, parameters, " AND occurred_at < ?", Sql.timestamp(value)));
        query.before().ifPresent(value -> condition(sql, parameters, " AND seq < ?", value));
        sql.append(" ORDER BY seq DESC LIMIT ?");
        parameters.add(query.limit() + 1);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                select.setObject(i + 1, parameters.get(i));
            }
            List<AuditEntry> entries = new ArrayList<>();
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    long sequence = row.getLong("seq");
                    entries.add(AuditRows.entry(row).orElseThrow(() -> new IllegalStateException(
                            "audit entry " + sequence + " is unreadable; run the audit verify command")));
                }
            }
            if (entries.size() <= query.limit()) {
                return new AuditPage(entries, Optional.empty());
            }
            List<AuditEntry> page = entries.subList(0, query.limit());
            return new AuditPage(page, Optional.of(page.getLast().sequence()));
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    private static void condition(StringBuilder sql, List<Object> parameters, String clause, Object value) {
        sql.append(clause);
        parameters.add(value);
    }

    @Override
    public AuditVerification verify() {
        return readOnly(PostgresAuditTrail::verify);
    }

    private static AuditVerification verify(Connection connection) throws SQLException {
        AuditRows.Anchor anchor = AuditRows.anchor(connection);
        Optional<ChainHead> head = AuditRows.head(connection);
        if (head.isEmpty()) {
            return AuditVerification.broken(0, 1, ChainBreak.TRUNCATED);
        }
        long anchorSequence = anchor.sequence();
        ChainVerifier chain = new ChainVerifier(anchorSequence, anchor.hash());
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT " + AuditRows.COLUMNS + " FROM audit_log WHERE seq > ? ORDER BY seq")) {
            select.setFetchSize(VERIFY_FETCH_SIZE);
            select.setLong(1, anchorSequence);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    Optional<AuditVerification> broken = chain.accept(row.getLong("seq"), AuditRows.entry(row));
                    if (broken.isPresent()) {
                        return broken.get();
                    }
                }
            }
        }
        return chain.finish(head.get());
    }

    @Override
    public ChainSnapshot ends() {
        return readOnly(connection -> ends(connection));
    }

    @Override
    public ChainSnapshot export(Function<ChainSnapshot, Consumer<AuditEntry>> entries) {
        return readOnly(connection -> {
            ChainSnapshot snapshot = ends(connection);
            Consumer<AuditEntry> sink = entries.apply(snapshot);
            try (PreparedStatement select = connection.prepareStatement("SELECT " + AuditRows.COLUMNS + " FROM audit_log WHERE seq > ? ORDER BY seq")) {
                select.setFetchSize(VERIFY_FETCH_SIZE);
                select.setLong(1, snapshot.anchorSequence());
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        long sequence = row.getLong("seq");
                        sink.accept(AuditRows.entry(row).orElseThrow(() -> new IllegalStateException(
                                "audit entry " + sequence + " is unreadable; run the audit verify command")));
                    }
                }
            }
            return snapshot;
        });
    }

    /**
     * Anchor, head and every checkpoint, even one past the head: in one snapshot that can only mean the newest entries
     * were removed and the head moved back, which a verifier must see.
     */
    private static ChainSnapshot ends(Connection connection) throws SQLException {
        AuditRows.Anchor anchor = AuditRows.anchor(connection);
        ChainHead head = AuditRows.head(connection).orElseThrow(() -> new SQLException("the audit chain head is missing"));
        return new ChainSnapshot(anchor.sequence(), anchor.hash(), head, AuditRows.checkpoints(connection));
    }

    @FunctionalInterface
    private interface Read<T> {
        T apply(Connection connection) throws SQLException;
    }

    /** One consistent, read-only snapshot. */
    private <T> T readOnly(Read<T> read) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            try {
                return read.apply(connection);
            } finally {
                connection.rollback();
                connection.setReadOnly(false);
            }
        } catch (SQLException e) {
            throw new StorageUnavailableException(e);
        }
    }

    @Override
    public long purgeBefore(Instant cutoff, AuditEvent.Context context) {
        return log.execute(connection -> purge(connection, cutoff), purged -> AuditEvent.of(context, Optional.empty(),
                "audit.purge", "audit:through:" + purged.through(), Outcome.SUCCESS,
                Map.of("entries", Long.toString(purged.count()), "cutoff", cutoff.toString())))
                .map(Purged::count)
                .orElse(0L);
    }

    private static Optional<Purged> purge(Connection connection, Instant cutoff) throws SQLException {
        long through;
        byte[] anchorHash;
        try (PreparedStatement last = connection.prepareStatement(
                "SELECT seq, entry_hash FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log WHERE occurred_at < ?)")) {
            last.setObject(1, Sql.timestamp(cutoff));
            try (ResultSet row = last.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                through = row.getLong(1);
                anchorHash = row.getBytes(2);
            }
        }
        long count;
        try (PreparedStatement allow = connection.prepareStatement("SELECT set_config('heroa.audit_purge', 'on', true)");
             PreparedStatement delete = connection.prepareStatement("DELETE FROM audit_log WHERE seq <= ?");
             PreparedStatement forbid = connection.prepareStatement("SELECT set_config('heroa.audit_purge', 'off', true)")) {
            allow.executeQuery().close();
            delete.setLong(1, through);
            count = delete.executeUpdate();
            forbid.executeQuery().close();
        }
        try (PreparedStatement anchor = connection.prepareStatement(
                "INSERT INTO audit_anchor (purged_through, anchor_hash, purged_at) VALUES (?, ?, ?)")) {
            anchor.setLong(1, through);
            anchor.setBytes(2, anchorHash);
            anchor.setObject(3, Sql.timestamp(Instant.now()));
            anchor.executeUpdate();
        }
        return Optional.of(new Purged(through, count));
    }

    private record Purged(long through, long count) {
    }
}
