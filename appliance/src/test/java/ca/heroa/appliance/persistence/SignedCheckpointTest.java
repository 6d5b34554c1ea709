package ca.heroa.appliance.persistence;

import ca.heroa.appliance.audit.AuditChain;
import ca.heroa.appliance.audit.AuditCheckpoint;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditExport;
import ca.heroa.appliance.audit.ChainBreak;
import ca.heroa.appliance.audit.CheckpointVerifier;
import ca.heroa.appliance.audit.Checkpointer;
import ca.heroa.appliance.custody.AuditSigningKey;
import ca.heroa.appliance.testing.Prerequisites;
import ca.heroa.appliance.testing.TestCustody;
import ca.heroa.appliance.testing.TestDatabase;
import ca.heroa.appliance.testing.TestFiles;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.KeyPurpose;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints over the audit chain, signed by the HSM's audit-signing key: made every N entries, exported, verified
 * offline by the appliance's verifier and by stock openssl; and an attacker's edits — to a checkpoint, to an entry, or
 * to the whole chain with every hash recomputed — are caught.
 */
class SignedCheckpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Database database;
    private GroupCommitLog log;
    private PostgresAuditTrail audit;
    private PostgresCheckpointStore checkpoints;
    private KeyCustody custody;
    private Checkpointer checkpointer;
    private Path export;

    @BeforeEach
    void start() throws Exception {
        database = TestDatabase.fresh();
        log = new GroupCommitLog(database.dataSource(), 256, 10_000);
        audit = new PostgresAuditTrail(database.dataSource(), log);
        checkpoints = new PostgresCheckpointStore(database.dataSource());
        custody = TestCustody.open();
        checkpointer = new Checkpointer(checkpoints, log::committedHead, new AuditSigningKey(custody), 5, Duration.ofHours(1), Clock.systemUTC());
        export = Files.createTempDirectory("heroa-audit-export-").resolve("export");
    }

    @AfterEach
    void stop() {
        custody.close();
        log.close();
        database.close();
        TestFiles.deleteRecursively(export.getParent());
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            audit.append(AuditEvent.success(AuditEvent.Context.system(), Optional.empty(), "test.event", "thing:" + i, Map.of("n", Integer.toString(i))));
        }
    }

    private PublicKey publicKey() {
        return custody.certificate(KeyPurpose.AUDIT_SIGNING).getPublicKey();
    }

    @Test
    void checkpointsComeEveryNEntriesAndVerifyOfflineAndWithOpenssl() throws Exception {
        Prerequisites.requireCommand("openssl", "openssl");
        append(3);
        assertTrue(checkpointer.tick().isEmpty(), "3 entries: not yet");
        append(4);
        AuditCheckpoint first = checkpointer.tick().orElseThrow(() -> new AssertionError("7 entries: a checkpoint is due"));
        assertEquals(1, first.firstSequence());
        assertEquals(7, first.lastSequence());
        assertEquals(checkpoints.entryHash(7).orElseThrow().length, first.lastHash().length);
        append(2);
        assertTrue(checkpointer.tick().isEmpty(), "2 more entries within the interval: not yet");
        AuditCheckpoint second = checkpointer.now().orElseThrow();
        assertEquals(8, second.firstSequence(), "the next checkpoint starts where the last one ended");
        assertEquals(2, checkpoints.all().size());

        AuditExport.Written written = AuditExport.write(export, audit, custody.certificate(KeyPurpose.AUDIT_SIGNING));
        assertEquals(9, written.entries());
        assertEquals(2, written.checkpoints());
        AuditExport.Verification verified = AuditExport.verify(export, AuditExport.readPublicKey(export.resolve("audit-signing-public-key.pem")));
        assertTrue(verified.intact(), verified.toString());
        assertEquals(2, verified.checkpoints().checked());

        for (String name : List.of("000000000007", "000000000009")) {
            OpenSsl result = openssl(name);
            assertEquals(0, result.exit(), "openssl verifies " + name + ": " + result.output());
            assertTrue(result.output().contains("Verified OK"), result.output());
        }
        String statement = Files.readString(export.resolve("checkpoints/000000000007.statement"));
        assertTrue(statement.startsWith(AuditCheckpoint.FORMAT + "\n") && statement.contains("last-hash: "
                + HexFormat.of().formatHex(checkpoints.entryHash(7).orElseThrow()) + "\n"), statement);

        Path tampered = export.resolve("checkpoints/000000000007.statement");
        Files.writeString(tampered, statement.replace("last-sequence: 7", "last-sequence: 6").replace("entry-count: 7", "entry-count: 6"));
        OpenSsl refused = openssl("000000000007");
        assertEquals(1, refused.exit(), "openssl refuses a modified checkpoint: " + refused.output());
        AuditExport.Verification caught = AuditExport.verify(export, publicKey());
        assertFalse(caught.intact());
        assertEquals(List.of(new CheckpointVerifier.Failure(7, CheckpointVerifier.Problem.BAD_SIGNATURE),
                new CheckpointVerifier.Failure(1, CheckpointVerifier.Problem.UNCOVERED)), caught.checkpoints().failures(),
                "a forged checkpoint vouches for nothing: its range counts as unsigned too");
        Files.writeString(tampered, statement);
        assertTrue(AuditExport.verify(export, publicKey()).intact(), "restored, it verifies again");

        // Removing the evidence does not help: an export must be covered by signatures to its last entry.
        Files.delete(export.resolve("checkpoints/000000000009.statement"));
        Files.delete(export.resolve("checkpoints/000000000009.sig"));
        AuditExport.Verification unsigned = AuditExport.verify(export, publicKey());
        assertEquals(List.of(new CheckpointVerifier.Failure(8, CheckpointVerifier.Problem.UNCOVERED)), unsigned.checkpoints().failures());
        for (String name : List.of("000000000007.statement", "000000000007.sig")) {
            Files.delete(export.resolve("checkpoints").resolve(name));
        }
        assertEquals(List.of(new CheckpointVerifier.Failure(1, CheckpointVerifier.Problem.UNCOVERED)),
                AuditExport.verify(export, publicKey()).checkpoints().failures(), "no checkpoint at all is no proof at all");
    }

    @Test
    void anExportStopsAtTheNewestSignedCheckpoint() throws Exception {
        append(6);
        checkpointer.tick().orElseThrow();
        append(2);
        AuditExport.Written written = AuditExport.write(export, audit, custody.certificate(KeyPurpose.AUDIT_SIGNING));
        assertEquals(6, written.entries(), "entries after the newest checkpoint are left for the next export");
        assertEquals(2, written.unsigned());
        assertTrue(AuditExport.verify(export, publicKey()).intact());
    }

    @Test
    void anEditedEntryBreaksTheChainAndARewrittenChainBreaksTheSignedCheckpoint() throws Exception {
        append(6);
        checkpointer.now().orElseThrow();
        AuditExport.write(export, audit, custody.certificate(KeyPurpose.AUDIT_SIGNING));
        Path entries = export.resolve("entries.jsonl");
        List<String> original = Files.readAllLines(entries);

        List<String> edited = new ArrayList<>(original);
        ObjectNode third = (ObjectNode) JSON.readTree(edited.get(2));
        third.put("actor", "someone-else");
        edited.set(2, JSON.writeValueAsString(third));
        Files.write(entries, edited);
        AuditExport.Verification altered = AuditExport.verify(export, publicKey());
        assertEquals(Optional.of(ChainBreak.ALTERED), altered.chain().reason());
        assertEquals(Optional.of(3L), altered.chain().firstBroken());

        // A careful forger recomputes every hash from the edited entry on, and the head: the chain is consistent again…
        List<String> rewritten = new ArrayList<>(original.subList(0, 2));
        byte[] previous = HexFormat.of().parseHex(JSON.readTree(original.get(1)).get("entryHash").asText());
        for (int index = 2; index < original.size(); index++) {
            ObjectNode entry = (ObjectNode) JSON.readTree(original.get(index));
            if (index == 2) {
                entry.put("actor", "someone-else");
            }
            entry.put("prevHash", HexFormat.of().formatHex(previous));
            byte[] hash = AuditChain.hash(entry.get("sequence").asLong(), event(entry), previous);
            entry.put("entryHash", HexFormat.of().formatHex(hash));
            rewritten.add(JSON.writeValueAsString(entry));
            previous = hash;
        }
        Files.write(entries, rewritten);
        ObjectNode chain = (ObjectNode) JSON.readTree(Files.readString(export.resolve("chain.json")));
        chain.put("headHash", HexFormat.of().formatHex(previous));
        Files.writeString(export.resolve("chain.json"), JSON.writeValueAsString(chain));
        AuditExport.Verification forged = AuditExport.verify(export, publicKey());
        assertTrue(forged.chain().intact(), "the rewritten chain is internally consistent: " + forged.chain());
        // …but the HSM signed the real head: the checkpoint no longer matches.
        assertEquals(List.of(new CheckpointVerifier.Failure(6, CheckpointVerifier.Problem.HASH_MISMATCH),
                new CheckpointVerifier.Failure(1, CheckpointVerifier.Problem.UNCOVERED)), forged.checkpoints().failures());
    }

    @Test
    void storedCheckpointsCannotBeChangedOrRemoved() throws SQLException {
        append(5);
        checkpointer.tick().orElseThrow();
        try (Connection connection = database.dataSource().getConnection()) {
            for (String sql : List.of("UPDATE audit_checkpoint SET entry_count = entry_count", "DELETE FROM audit_checkpoint", "TRUNCATE audit_checkpoint")) {
                SQLException refused = assertThrows(SQLException.class, () -> connection.createStatement().execute(sql), sql);
                assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
            }
        }
        assertEquals(1, checkpoints.all().size());
    }

    private static AuditEvent event(ObjectNode entry) throws Exception {
        java.util.TreeMap<String, String> details = new java.util.TreeMap<>();
        entry.get("details").fields().forEachRemaining(field -> details.put(field.getKey(), field.getValue().asText()));
        return new AuditEvent(java.time.Instant.parse(entry.get("occurredAt").asText()), entry.get("actor").asText(),
                optional(entry, "workspace"), entry.get("action").asText(), entry.get("target").asText(),
                ca.heroa.appliance.audit.Outcome.fromValue(entry.get("outcome").asText()), optional(entry, "requestId"),
                optional(entry, "sourceAddress"), details);
    }

    private static Optional<String> optional(ObjectNode entry, String field) {
        return entry.hasNonNull(field) ? Optional.of(entry.get(field).asText()) : Optional.empty();
    }

    private record OpenSsl(int exit, String output) {
    }

    private OpenSsl openssl(String checkpoint) throws Exception {
        Process process = new ProcessBuilder("openssl", "dgst", "-sha256", "-verify", export.resolve("audit-signing-public-key.pem").toString(),
                "-signature", export.resolve("checkpoints/" + checkpoint + ".sig").toString(),
                export.resolve("checkpoints/" + checkpoint + ".statement").toString()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return new OpenSsl(process.exitValue(), output);
    }
}
