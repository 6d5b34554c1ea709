package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditChain;
import ca.heroa.appliance.audit.AuditEntry;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditUnavailableException;
import ca.heroa.appliance.audit.ChainHead;

import javax.sql.DataSource;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The only writer of the audit chain, and the transaction in which every audited change happens.
 * <p>
 * Callers hand over a change (SQL on a connection) and the audit event it produces. One writer thread takes
 * everything queued, runs each change under its own savepoint, links the events into the hash chain under the
 * chain-head row lock, inserts them in one batch and commits once (group commit). A caller returns only after
 * that commit, so a change the client saw succeed always has its audit entry, and a change whose entry could
 * not be written never happened: the whole batch rolls back and every caller gets
 * {@link AuditUnavailableException} (fail closed).
 */
public final class GroupCommitLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupCommitLog.class.getName());
    private static final String INSERT = """
            INSERT INTO audit_log (seq, occurred_at, actor, workspace_id, action, target, outcome, request_id,
                                   source_address, details, prev_hash, entry_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /** SQL that changes something. Empty means nothing changed, and nothing is audited. */
    @FunctionalInterface
    public interface Change<T> {
        Optional<T> apply(Connection connection) throws SQLException;
    }

    /** Told about every batch, for metrics. */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        default void committed(int operations, int entries) {
        }

        default void refused(int operations) {
        }
    }

    private final DataSource dataSource;
    private final Observer observer;
    private final int maxBatch;
    private final BlockingQueue<Pending<?>> queue;
    private final Thread writer;
    private volatile boolean running = true;
    /** The chain head as of the writer's last commit; only the writer thread touches it. Null means "read it". */
    private Head head;
    /** The head this writer itself linked and committed last, for signed checkpoints; null before its first commit. */
    private volatile ChainHead committedHead;

    private record Head(long sequence, byte[] hash) {
    }

    public GroupCommitLog(DataSource dataSource, int maxBatch, int queueCapacity) {
        this(dataSource, maxBatch, queueCapacity, Observer.NONE);
    }

    public GroupCommitLog(DataSource dataSource, int maxBatch, int queueCapacity, Observer observer) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.observer = requireNonNull(observer, "observer is null");
        if (maxBatch < 1 || queueCapacity < maxBatch) {
            throw new IllegalArgumentException("invalid group commit settings");
        }
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.writer = Thread.ofPlatform().name("heroa-audit-writer").daemon(true).start(this::run);
    }

    /** Runs {@code change} and, if it changed something, appends {@code event} for its result, atomically. */
    public <T> Optional<T> execute(Change<T> change, Function<? super T, AuditEvent> event) {
        requireNonNull(event, "event is null");
        return submit(new Pending<T>(requireNonNull(change, "change is null"), result -> List.of(event.apply(result)), false));
    }

    /** Like {@link #execute}, for a change that produces several audit entries (all or none are written). */
    public <T> Optional<T> executeAll(Change<T> change, Function<? super T, List<AuditEvent>> events) {
        requireNonNull(events, "events is null");
        return submit(new Pending<T>(requireNonNull(change, "change is null"), events, false));
    }

    /** The chain head this writer last linked and committed itself (not read from the database); empty before its first commit. */
    public Optional<ChainHead> committedHead() {
        return Optional.ofNullable(committedHead);
    }

    /** Appends an event that goes with no change of its own (e.g. an authentication failure). */
    public void append(AuditEvent event) {
        requireNonNull(event, "event is null");
        submit(new Pending<Boolean>(connection -> Optional.of(Boolean.TRUE), result -> List.of(event), true));
    }

    private <T> Optional<T> submit(Pending<T> pending) {
        if (!running || !queue.offer(pending)) {
            observer.refused(1);
            throw new AuditUnavailableException("the audit writer is not accepting entries", null);
        }
        try {
            return pending.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new AuditUnavailableException("audit append failed", e.getCause());
        }
    }

    private void run() {
        List<Pending<?>> batch = new ArrayList<>(maxBatch);
        while (running || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "audit writer failed on a batch", e);
                batch.forEach(pending -> pending.result.completeExceptionally(new AuditUnavailableException("audit writer failed", e)));
            } finally {
                batch.clear();
            }
        }
        Pending<?> left;
        while ((left = queue.poll()) != null) {
            left.result.completeExceptionally(new AuditUnavailableException("the audit writer stopped", null));
        }
    }

    private void commit(List<Pending<?>> batch) {
        List<Runnable> completions = new ArrayList<>(batch.size());
        List<AuditEvent> events = new ArrayList<>(batch.size());
        boolean committed = false;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Pending<?> pending : batch) {
                    pending.applyTo(connection, events, completions);
                }
                Head next = events.isEmpty() ? head : appendChained(connection, events);
                connection.commit();
                committed = true;
                head = next;
                if (!events.isEmpty()) {
                    committedHead = new ChainHead(next.sequence(), next.hash());
                }
            } catch (SQLException | RuntimeException e) {
                if (!committed) {
                    rollbackQuietly(connection);
                }
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            if (!committed) {
                head = null;
                LOG.log(Level.WARNING, "audit batch of " + batch.size() + " rolled back: " + e.getClass().getSimpleName());
                AuditUnavailableException failure = new AuditUnavailableException("the audit log could not be written", e);
                batch.forEach(pending -> pending.result.completeExceptionally(failure));
                observer.refused(batch.size());
                return;
            }
            // Committed: a failure while closing the connection changes nothing that happened.
            LOG.log(Level.WARNING, "closing the audit connection failed after commit: " + e.getClass().getSimpleName());
        }
        completions.forEach(Runnable::run);
        try {
            observer.committed(batch.size(), events.size());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "audit metrics failed: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Links {@code events} after the chain head and writes them. The head this writer committed last is moved with a
     * conditional update (one round trip, which also takes the row lock that serialises appenders); only when another
     * process appended since is the head read again under that lock.
     */
    private Head appendChained(Connection connection, List<AuditEvent> events) throws SQLException {
        Head start = head;
        Linked linked = start == null ? null : link(start, events);
        if (linked == null || !moveHead(connection, start, linked.end())) {
            start = lockedHead(connection);
            linked = link(start, events);
            if (!moveHead(connection, start, linked.end())) {
                throw new SQLException("audit chain head moved while locked");
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (AuditEntry entry : linked.entries()) {
                bind(insert, entry);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return linked.end();
    }

    private record Linked(List<AuditEntry> entries, Head end) {
    }

    private static Linked link(Head start, List<AuditEvent> events) {
        List<AuditEntry> entries = new ArrayList<>(events.size());
        long sequence = start.sequence();
        byte[] previous = start.hash();
        for (AuditEvent event : events) {
            AuditEntry entry = AuditChain.link(++sequence, event, previous);
            entries.add(entry);
            previous = entry.entryHash();
        }
        return new Linked(entries, new Head(sequence, previous));
    }

    private static boolean moveHead(Connection connection, Head from, Head to) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE audit_chain_head SET last_seq = ?, last_hash = ? WHERE id = 1 AND last_seq = ? AND last_hash = ?")) {
            update.setLong(1, to.sequence());
            update.setBytes(2, to.hash());
            update.setLong(3, from.sequence());
            update.setBytes(4, from.hash());
            return update.executeUpdate() == 1;
        }
    }

    private static Head lockedHead(Connection connection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE");
             ResultSet row = select.executeQuery()) {
            if (!row.next()) {
                throw new SQLException("audit chain head is missing");
            }
            return new Head(row.getLong(1), row.getBytes(2));
        }
    }

    private static void bind(PreparedStatement insert, AuditEntry entry) throws SQLException {
        AuditEvent event = entry.event();
        insert.setLong(1, entry.sequence());
        insert.setObject(2, event.occurredAt().atOffset(ZoneOffset.UTC));
        insert.setString(3, event.actor());
        insert.setString(4, event.workspace().orElse(null));
        insert.setString(5, event.action());
        insert.setString(6, event.target());
        insert.setString(7, event.outcome().value());
        insert.setString(8, event.requestId().orElse(null));
        insert.setString(9, event.sourceAddress().orElse(null));
        insert.setString(10, AuditRows.detailsJson(event.details()));
        insert.setBytes(11, entry.prevHash());
        insert.setBytes(12, entry.entryHash());
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "rollback failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Pending<T> {
        private final Change<T> change;
        private final Function<? super T, List<AuditEvent>> event;
        private final boolean standalone;
        private final CompletableFuture<Optional<T>> result = new CompletableFuture<>();

        private Pending(Change<T> change, Function<? super T, List<AuditEvent>> event, boolean standalone) {
            this.change = change;
            this.event = event;
            this.standalone = standalone;
        }

        /**
         * Runs the change under a savepoint. A change that fails is rolled back alone and its caller gets its
         * own exception; the others in the batch go on.
         */
        void applyTo(Connection connection, List<AuditEvent> events, List<Runnable> completions) throws SQLException {
            if (standalone) {
                Optional<T> applied = change.apply(connection);
                events.addAll(event.apply(applied.orElseThrow()));
                completions.add(() -> result.complete(applied));
                return;
            }
            Savepoint savepoint = connection.setSavepoint();
            Optional<T> applied;
            try {
                applied = change.apply(connection);
                connection.releaseSavepoint(savepoint);
            } catch (SQLException | RuntimeException e) {
                connection.rollback(savepoint);
                RuntimeException failure = e instanceof RuntimeException runtime ? runtime : new AuditUnavailableException("change failed", e);
                completions.add(() -> result.completeExceptionally(failure));
                return;
            }
            applied.ifPresent(value -> events.addAll(event.apply(value)));
            completions.add(() -> result.complete(applied));
        }
    }
}
