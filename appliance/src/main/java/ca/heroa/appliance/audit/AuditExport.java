package ca.heroa.appliance.audit;

import ca.heroa.hsm.Fips;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The audit log as a directory an evaluator can check offline, without the appliance, its database or its HSM:
 * <pre>
 * entries.jsonl                      every retained entry, oldest first, with its hashes
 * chain.json                         where the retained chain starts (purge anchor) and ends (head)
 * checkpoints/NNNNNNNNNNNN.statement signed statement over the chain head at entry N (the exact signed bytes)
 * checkpoints/NNNNNNNNNNNN.sig       its DER ECDSA P-256 / SHA-256 signature
 * audit-signing-certificate.pem      the audit-signing key's certificate (from the HSM)
 * audit-signing-public-key.pem       its public key, for openssl dgst -verify
 * </pre>
 * {@link #verify} recomputes the chain and checks every checkpoint; one checkpoint can also be checked with stock
 * openssl: {@code openssl dgst -sha256 -verify audit-signing-public-key.pem -signature N.sig N.statement}.
 */
public final class AuditExport {
    static final int MAX_LINE = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final HexFormat HEX = HexFormat.of();

    /** One entry as exported. */
    record Line(long sequence, String occurredAt, String actor, String workspace, String action, String target, String outcome,
                String requestId, String sourceAddress, TreeMap<String, String> details, String prevHash, String entryHash) {
        static Line of(AuditEntry entry) {
            AuditEvent event = entry.event();
            return new Line(entry.sequence(), event.occurredAt().toString(), event.actor(), event.workspace().orElse(null), event.action(),
                    event.target(), event.outcome().value(), event.requestId().orElse(null), event.sourceAddress().orElse(null),
                    new TreeMap<>(event.details()), HEX.formatHex(entry.prevHash()), HEX.formatHex(entry.entryHash()));
        }

        AuditEntry entry() {
            AuditEvent event = new AuditEvent(Instant.parse(occurredAt), actor, Optional.ofNullable(workspace), action, target,
                    Outcome.fromValue(outcome), Optional.ofNullable(requestId), Optional.ofNullable(sourceAddress),
                    details == null ? new TreeMap<>() : details);
            return new AuditEntry(sequence, event, HEX.parseHex(prevHash), HEX.parseHex(entryHash));
        }
    }

    record Chain(String format, long anchorSequence, String anchorHash, long headSequence, String headHash) {
    }

    /**
     * What was written.
     *
     * @param unsigned newer entries left out because no checkpoint covers them yet
     */
    public record Written(long entries, int checkpoints, ChainHead head, long unsigned) {
    }

    /** The outcome of an offline check. */
    public record Verification(AuditVerification chain, CheckpointVerifier.Result checkpoints) {
        public boolean intact() {
            return chain.intact() && checkpoints.intact();
        }
    }

    private AuditExport() {
    }

    /** Writes the export into {@code directory} (created; must be empty or absent). */
    public static Written write(Path directory, AuditTrail trail, X509Certificate signingCertificate) {
        try {
            Files.createDirectories(directory.resolve("checkpoints"));
            try (Stream<Path> existing = Files.list(directory)) {
                if (existing.anyMatch(path -> !path.getFileName().toString().equals("checkpoints"))) {
                    throw new IllegalArgumentException("the export directory " + directory + " is not empty");
                }
            }
            // The export ends at the newest signed checkpoint, so everything in it is covered by an HSM signature; later
            // entries go into the next export, once signed. (A checkpoint past the head stays in: it is evidence.)
            long[] count = {0};
            long[] through = {0};
            byte[][] headHash = {null};
            AuditTrail.ChainSnapshot snapshot;
            try (BufferedWriter out = Files.newBufferedWriter(directory.resolve("entries.jsonl"), StandardCharsets.UTF_8)) {
                snapshot = trail.export(chain -> {
                    long signed = chain.checkpoints().stream().mapToLong(AuditCheckpoint::lastSequence).max().orElse(chain.anchorSequence());
                    through[0] = Math.max(chain.anchorSequence(), Math.min(signed, chain.head().sequence()));
                    headHash[0] = through[0] == chain.head().sequence() ? chain.head().hash() : chain.anchorHash();
                    return entry -> {
                        if (entry.sequence() > through[0]) {
                            return;
                        }
                        try {
                            out.write(JSON.writeValueAsString(Line.of(entry)));
                            out.write('\n');
                            count[0]++;
                            headHash[0] = entry.entryHash();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    };
                });
            }
            Files.writeString(directory.resolve("chain.json"), JSON.writeValueAsString(new Chain(AuditChain.FORMAT, snapshot.anchorSequence(),
                    HEX.formatHex(snapshot.anchorHash()), through[0], HEX.formatHex(headHash[0]))) + "\n");
            for (AuditCheckpoint checkpoint : snapshot.checkpoints()) {
                String name = String.format("%012d", checkpoint.lastSequence());
                Files.write(directory.resolve("checkpoints").resolve(name + ".statement"), checkpoint.statement());
                Files.write(directory.resolve("checkpoints").resolve(name + ".sig"), checkpoint.signature());
            }
            Files.writeString(directory.resolve("audit-signing-certificate.pem"), pem("CERTIFICATE", signingCertificate.getEncoded()));
            Files.writeString(directory.resolve("audit-signing-public-key.pem"), pem("PUBLIC KEY", signingCertificate.getPublicKey().getEncoded()));
            return new Written(count[0], snapshot.checkpoints().size(), new ChainHead(through[0], headHash[0]),
                    snapshot.head().sequence() - through[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the audit-signing certificate", e);
        }
    }

    /** Checks an export offline against {@code publicKey}, which the evaluator obtained independently of the export. */
    public static Verification verify(Path directory, PublicKey publicKey) {
        try {
            Chain chain = JSON.readValue(Files.readString(directory.resolve("chain.json")), Chain.class);
            if (!AuditChain.FORMAT.equals(chain.format())) {
                throw new IllegalArgumentException("not a " + AuditChain.FORMAT + " export");
            }
            ChainVerifier verifier = new ChainVerifier(chain.anchorSequence(), HEX.parseHex(chain.anchorHash()));
            Map<Long, byte[]> hashes = new HashMap<>();
            AuditVerification result = null;
            try (BufferedReader in = Files.newBufferedReader(directory.resolve("entries.jsonl"), StandardCharsets.UTF_8)) {
                String text;
                while (result == null && (text = in.readLine()) != null) {
                    if (text.length() > MAX_LINE) {
                        throw new IllegalArgumentException("an entry line is longer than " + MAX_LINE + " characters");
                    }
                    String line = text;
                    Optional<AuditEntry> entry = parse(line);
                    long sequence = entry.map(AuditEntry::sequence).orElseGet(() -> sequenceOf(line));
                    entry.ifPresent(e -> hashes.put(e.sequence(), e.entryHash()));
                    result = verifier.accept(sequence, entry).orElse(null);
                }
            }
            ChainHead head = new ChainHead(chain.headSequence(), HEX.parseHex(chain.headHash()));
            if (result == null) {
                result = verifier.finish(head);
            }
            // Each statement file is checked on its own and a failure is named by its file, not by what a possibly forged
            // statement claims.
            List<CheckpointVerifier.Failure> failures = new ArrayList<>();
            List<AuditCheckpoint> parsed = new ArrayList<>();
            int checked = 0;
            try (Stream<Path> files = Files.list(directory.resolve("checkpoints"))) {
                for (Path statement : files.filter(path -> path.toString().endsWith(".statement")).sorted().toList()) {
                    checked++;
                    long number = numberOf(statement);
                    Path signature = statement.resolveSibling(statement.getFileName().toString().replace(".statement", ".sig"));
                    Optional<AuditCheckpoint> checkpoint = Files.exists(signature)
                            ? AuditCheckpoint.parse(Files.readAllBytes(statement), Files.readAllBytes(signature)) : Optional.empty();
                    if (checkpoint.isEmpty()) {
                        failures.add(new CheckpointVerifier.Failure(number, CheckpointVerifier.Problem.BAD_SIGNATURE));
                        continue;
                    }
                    List<CheckpointVerifier.Failure> found = CheckpointVerifier.verify(List.of(checkpoint.get()), publicKey, head.sequence(),
                            sequence -> Optional.ofNullable(hashes.get(sequence))).failures();
                    if (found.isEmpty() && checkpoint.get().lastSequence() == number) {
                        parsed.add(checkpoint.get());
                    }
                    if (found.isEmpty() && checkpoint.get().lastSequence() != number) {
                        // A genuine statement filed under another entry's number: moved.
                        failures.add(new CheckpointVerifier.Failure(number, CheckpointVerifier.Problem.BAD_SIGNATURE));
                    }
                    found.forEach(failure -> failures.add(new CheckpointVerifier.Failure(number, failure.problem())));
                }
            }
            CheckpointVerifier.verify(parsed, publicKey, chain.anchorSequence(), head.sequence(), false, sequence -> Optional.ofNullable(hashes.get(sequence)))
                    .failures().stream().filter(failure -> failure.problem() == CheckpointVerifier.Problem.UNCOVERED).forEach(failures::add);
            return new Verification(result, new CheckpointVerifier.Result(checked, failures));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A public key from a PEM file holding either a public key or a certificate. */
    public static PublicKey readPublicKey(Path pem) {
        Fips.install();
        try {
            String text = Files.readString(pem, StandardCharsets.US_ASCII);
            if (text.contains("BEGIN CERTIFICATE")) {
                X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                        new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
                return certificate.getPublicKey();
            }
            String body = text.replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("EC", Fips.PROVIDER).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a PEM public key or certificate: " + pem, e);
        }
    }

    private static Optional<AuditEntry> parse(String text) {
        try {
            return Optional.of(JSON.readValue(text, Line.class).entry());
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The sequence of an entry line that no longer parses as an entry, so the break is named at the right place. */
    private static long sequenceOf(String text) {
        try {
            return JSON.readTree(text).path("sequence").asLong(-1);
        } catch (JsonProcessingException e) {
            return -1;
        }
    }

    private static long numberOf(Path statement) {
        try {
            return Long.parseLong(statement.getFileName().toString().replace(".statement", ""));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
