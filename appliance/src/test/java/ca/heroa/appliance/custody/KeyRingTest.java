package ca.heroa.appliance.custody;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.persistence.Database;
import ca.heroa.appliance.persistence.GroupCommitLog;
import ca.heroa.appliance.persistence.PostgresAuditTrail;
import ca.heroa.appliance.persistence.PostgresWorkspaceStore;
import ca.heroa.appliance.persistence.PostgresWrappedKeyStore;
import ca.heroa.appliance.testing.TestCustody;
import ca.heroa.appliance.testing.TestDatabase;
import ca.heroa.appliance.workspace.Workspace;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.hsm.DataKey;
import ca.heroa.hsm.KeyAttributes;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.MacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key ring against a real token and database: bounded, zeroing cache; legacy import; crash-safe rotation. */
class KeyRingTest {
    private Database database;
    private GroupCommitLog log;
    private PostgresAuditTrail audit;
    private PostgresWrappedKeyStore store;
    private PostgresWorkspaceStore workspaces;
    private KeyCustody custody;

    @BeforeEach
    void start() {
        database = TestDatabase.fresh();
        log = new GroupCommitLog(database.dataSource(), 256, 10_000);
        audit = new PostgresAuditTrail(database.dataSource(), log);
        store = new PostgresWrappedKeyStore(database.dataSource());
        workspaces = new PostgresWorkspaceStore(database.dataSource(), log);
        custody = TestCustody.open();
    }

    @AfterEach
    void stop() {
        custody.close();
        log.close();
        database.close();
    }

    private WorkspaceId workspace(String name) {
        Workspace workspace = new Workspace(WorkspaceId.random(), name, Instant.now().truncatedTo(ChronoUnit.MICROS));
        workspaces.create(workspace, AuditEvent.success(AuditEvent.Context.system(), Optional.empty(), "workspace.create", "w", Map.of()));
        return workspace.id();
    }

    @Test
    void unwrappedKeysAreZeroedWhenTheirTimeIsUp() {
        MutableClock clock = new MutableClock();
        SoftwareKeyCache<String, DataKey> cache = new SoftwareKeyCache<>(Duration.ofMinutes(5), 2, clock);
        DataKey first = cache.get("a", id -> custody.newDataKey());
        assertSame(first, cache.get("a", id -> custody.newDataKey()), "cached within its lifetime");
        clock.advance(Duration.ofMinutes(5));
        cache.evictExpired();
        assertTrue(first.destroyed(), "zeroed once expired");
        DataKey second = cache.get("a", id -> custody.newDataKey());
        assertNotSame(first, second);
        cache.invalidate("a");
        assertTrue(second.destroyed(), "zeroed when invalidated");
        DataKey b = cache.get("b", id -> custody.newDataKey());
        DataKey c = cache.get("c", id -> custody.newDataKey());
        cache.get("d", id -> custody.newDataKey());
        assertTrue(b.destroyed() && c.destroyed(), "an overflowing cache zeroes what it drops");
        assertTrue(cache.size() <= 2);
    }

    @Test
    void theTokenHashKeyIsCreatedOnceAndALegacyFileIsImportedThenErased() throws Exception {
        Path directory = Files.createTempDirectory("heroa-legacy-key");
        Path file = directory.resolve("token-hash.key");
        byte[] legacy = new byte[32];
        legacy[0] = 7;
        Files.write(file, legacy);
        byte[] probe = "heroa_wt_probe".getBytes(StandardCharsets.UTF_8);
        byte[] expected;
        try (MacKey reference = custody.importMacKey(legacy)) {
            expected = reference.mac(probe);
        }
        try (KeyRing keys = new KeyRing(custody, store, audit, Duration.ofMinutes(5), Clock.systemUTC())) {
            keys.importLegacyTokenHashKey(file);
            assertFalse(Files.exists(file), "the key file is erased once its key is under custody");
            assertArrayEquals(expected, keys.tokenHashKey().mac(probe), "tokens hashed with the old key still match");
        }
        try (KeyRing again = new KeyRing(custody, store, audit, Duration.ofMinutes(5), Clock.systemUTC())) {
            assertArrayEquals(expected, again.tokenHashKey().mac(probe), "the next start unwraps the same key");
        }
        Files.delete(directory);
    }

    @Test
    void aRotationInterruptedByACrashIsFinishedAtTheNextStart() {
        WorkspaceId workspace = workspace("rotating");
        byte[] sealed;
        String firstKeyEncryptionKey;
        try (KeyRing keys = new KeyRing(custody, store, audit, Duration.ofMinutes(5), Clock.systemUTC())) {
            sealed = keys.withDataKey(workspace, key -> key.seal("data".getBytes(StandardCharsets.UTF_8), new byte[] {1}));
            keys.tokenHashKey();
            firstKeyEncryptionKey = custody.currentKeyEncryptionKey();
            keys.beginRotation(AuditEvent.Context.system());
            // The process dies here: a new key-encryption key exists, nothing is rewrapped, the old one is still there.
        }
        assertEquals(2, keyEncryptionKeys().size());
        try (KeyRing restarted = new KeyRing(custody, store, audit, Duration.ofMinutes(5), Clock.systemUTC())) {
            restarted.finishRotation(AuditEvent.Context.system());
            assertEquals(List.of(custody.currentKeyEncryptionKey()), keyEncryptionKeys(), "only the new key-encryption key is left");
            assertTrue(store.notWrappedBy(custody.currentKeyEncryptionKey()).isEmpty(), "every stored key was rewrapped");
            assertArrayEquals("data".getBytes(StandardCharsets.UTF_8), restarted.withDataKey(workspace, key -> key.open(sealed, new byte[] {1})),
                    "data sealed before the rotation opens after it, without re-encryption");
        }
        assertFalse(keyEncryptionKeys().contains(firstKeyEncryptionKey));
        assertEquals(1, audit.query(new ca.heroa.appliance.audit.AuditQuery(Optional.empty(), Optional.of("key-encryption-key.destroy"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 10)).entries().size(), "the destruction is audited");
    }

    private List<String> keyEncryptionKeys() {
        String current = custody.currentKeyEncryptionKey();
        String prefix = current.substring(0, current.lastIndexOf('-') + 1);
        return custody.inventory().stream().filter(KeyAttributes::isSecret).map(KeyAttributes::label).filter(label -> label.startsWith(prefix)).toList();
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.now();

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
