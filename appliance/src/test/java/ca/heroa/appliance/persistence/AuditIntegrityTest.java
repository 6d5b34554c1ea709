package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditUnavailableException;
import ca.heroa.appliance.audit.AuditVerification;
import ca.heroa.appliance.audit.ChainBreak;
import ca.heroa.appliance.audit.Outcome;
import ca.heroa.appliance.testing.TestDatabase;
import ca.heroa.appliance.workspace.Workspace;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceNameTakenException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Promise 9: append-only, hash-chained, verifiable after tampering and after retention, fail closed, group-committed. */
class AuditIntegrityTest {
    private Database database;
    private GroupCommitLog log;
    private PostgresAuditTrail audit;
    private PostgresWorkspaceStore workspaces;

    @BeforeEach
    void freshDatabase() {
        database = TestDatabase.fresh();
        log = new GroupCommitLog(database.dataSource(), 256, 10_000);
        audit = new PostgresAuditTrail(database.dataSource(), log);
        workspaces = new PostgresWorkspaceStore(database.dataSource(), log);
    }

    @AfterEach
    void close() {
        log.close();
        database.close();
    }

    private static AuditEvent event(Instant at, String action) {
        return new AuditEvent(at, "test", Optional.empty(), action, "target", Outcome.SUCCESS, Optional.of("req"),
                Optional.of("127.0.0.1"), new TreeMap<>(Map.of("k", "v")));
    }

    private void appendN(int count) {
        for (int i = 0; i < count; i++) {
            audit.append(event(Instant.now(), "test.event." + i));
        }
    }

    private void tamper(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only");
            statement.execute(sql);
            statement.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only");
        }
    }

    @Test
    void appendedEntriesVerify() {
        appendN(20);
        AuditVerification result = audit.verify();
        assertTrue(result.intact(), result.toString());
        assertEquals(20, result.entriesChecked());
    }

    @Test
    void verifyNamesAChangedRow() throws SQLException {
        appendN(10);
        tamper("UPDATE audit_log SET actor = 'mallory' WHERE seq = 4");
        AuditVerification result = audit.verify();
        assertEquals(Optional.of(4L), result.firstBroken(), result.toString());
        assertEquals(Optional.of(ChainBreak.ALTERED), result.reason());
    }

    @Test
    void verifyNamesARowWhoseHashWasAlsoRecomputed() throws SQLException {
        appendN(10);
        tamper("UPDATE audit_log SET entry_hash = sha256(entry_hash) WHERE seq = 6");
        AuditVerification result = audit.verify();
        assertEquals(Optional.of(6L), result.firstBroken(), result.toString());
    }

    @Test
    void verifyNamesADeletedRow() throws SQLException {
        appendN(10);
        tamper("DELETE FROM audit_log WHERE seq = 5");
        AuditVerification result = audit.verify();
        assertEquals(Optional.of(5L), result.firstBroken(), result.toString());
        assertEquals(Optional.of(ChainBreak.MISSING), result.reason());
    }

    @Test
    void verifyNamesRemovedNewestRows() throws SQLException {
        appendN(10);
        tamper("DELETE FROM audit_log WHERE seq >= 9");
        AuditVerification result = audit.verify();
        assertEquals(Optional.of(9L), result.firstBroken(), result.toString());
        assertEquals(Optional.of(ChainBreak.TRUNCATED), result.reason());
    }

    @Test
    void entriesRemovedOutsideTheRetentionPurgeAreFoundEvenWithAForgedAnchor() throws SQLException {
        appendN(10);
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SELECT set_config('heroa.audit_purge', 'on', true)");
            statement.execute("INSERT INTO audit_anchor SELECT seq, entry_hash, now() FROM audit_log WHERE seq = 3");
            statement.execute("DELETE FROM audit_log WHERE seq <= 3");
            connection.commit();
        }
        AuditVerification result = audit.verify();
        assertEquals(Optional.of(4L), result.firstBroken(), result.toString());
        assertEquals(Optional.of(ChainBreak.UNANCHORED), result.reason());
    }

    @Test
    void databaseRefusesUpdateDeleteAndTruncate() throws SQLException {
        appendN(3);
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            assertThrows(SQLException.class, () -> statement.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1"));
            assertThrows(SQLException.class, () -> statement.execute("DELETE FROM audit_log WHERE seq = 1"));
            assertThrows(SQLException.class, () -> statement.execute("TRUNCATE audit_log"));
            assertThrows(SQLException.class, () -> statement.execute("UPDATE audit_chain_head SET last_seq = 1"));
            assertThrows(SQLException.class, () -> statement.execute("TRUNCATE audit_anchor"));
        }
        assertTrue(audit.verify().intact());
    }

    @Test
    void retentionPurgeLeavesTheRestVerifiable() throws SQLException {
        Instant old = Instant.now().minus(Duration.ofDays(3));
        for (int i = 0; i < 5; i++) {
            audit.append(event(old.plusSeconds(i), "old." + i));
        }
        appendN(5);
        long purged = audit.purgeBefore(Instant.now().minus(Duration.ofDays(1)), AuditEvent.Context.system());
        assertEquals(5, purged);
        AuditVerification result = audit.verify();
        assertTrue(result.intact(), result.toString());
        assertEquals(6, result.entriesChecked(), "five recent entries and the purge's own entry");
        assertEquals(0, audit.purgeBefore(Instant.now().minus(Duration.ofDays(1)), AuditEvent.Context.system()),
                "nothing left to purge: nothing removed, nothing audited");
        tamper("UPDATE audit_log SET target = 'x' WHERE seq = 7");
        assertEquals(Optional.of(7L), audit.verify().firstBroken(), "tampering is still found after a purge");
    }

    @Test
    void failedAuditWriteMeansTheChangeDidNotHappen() throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$");
            statement.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse()");
        }
        Workspace workspace = new Workspace(WorkspaceId.random(), "never", Instant.now());
        assertThrows(AuditUnavailableException.class, () -> workspaces.create(workspace,
                AuditEvent.success(AuditEvent.Context.system(), Optional.empty(), "workspace.create", "w", Map.of())));
        assertTrue(workspaces.find(workspace.id()).isEmpty(), "the workspace must not exist when its audit entry could not be written");
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TRIGGER refuse_audit ON audit_log");
        }
        assertTrue(audit.verify().intact());
    }

    @Test
    void aFailingChangeInABatchDoesNotTakeTheOthersDown() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    try {
                        workspaces.create(new Workspace(WorkspaceId.random(), "same-name", Instant.now()),
                                AuditEvent.success(AuditEvent.Context.system(), Optional.empty(), "workspace.create", "w", Map.of()));
                        return true;
                    } catch (WorkspaceNameTakenException e) {
                        return false;
                    }
                }));
            }
            int created = 0;
            for (Future<Boolean> result : results) {
                created += result.get() ? 1 : 0;
            }
            assertEquals(1, created, "exactly one workspace gets the name");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, workspaces.list().size());
        AuditVerification result = audit.verify();
        assertTrue(result.intact());
        assertEquals(1, result.entriesChecked(), "only the change that happened is audited");
    }

    @Test
    void twoWritersOnOneDatabaseKeepOneChain() throws Exception {
        // As when "heroa admin-token rotate" runs next to a serving appliance: each process has its own writer.
        GroupCommitLog other = new GroupCommitLog(database.dataSource(), 256, 10_000);
        PostgresAuditTrail otherAudit = new PostgresAuditTrail(database.dataSource(), other);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int writer = 0; writer < 8; writer++) {
                PostgresAuditTrail trail = writer % 2 == 0 ? audit : otherAudit;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        trail.append(event(Instant.now(), "interleaved"));
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
            other.close();
        }
        AuditVerification result = audit.verify();
        assertTrue(result.intact(), result.toString());
        assertEquals(320, result.entriesChecked());
    }

    @Test
    void concurrentAppendsAreGroupCommitted() throws Exception {
        int writers = 16;
        int perWriter = 50;
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int writer = 0; writer < writers; writer++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        try {
                            audit.append(event(Instant.now(), "burst"));
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long commits = transactionsThatWroteEntries();
        assertEquals(0, failures.get());
        AuditVerification result = audit.verify();
        assertTrue(result.intact(), result.toString());
        assertEquals(writers * perWriter, result.entriesChecked());
        assertTrue(commits < writers * perWriter / 2, "appends must be batched: " + commits + " commits for " + writers * perWriter + " entries");
        assertTrue(commits >= 1, "commits were counted");
    }

    /** Rows inserted by one transaction share its xmin, so distinct xmin values count the commits that wrote entries. */
    private long transactionsThatWroteEntries() throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT count(DISTINCT xmin::text) FROM audit_log")) {
            row.next();
            return row.getLong(1);
        }
    }
}
