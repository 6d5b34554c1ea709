package ca.heroa.appliance.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A signed statement about the audit chain: "entries {@code first}..{@code last} exist, and the chain's hash at
 * {@code last} is {@code lastHash}", signed in the HSM by the audit-signing key. Whoever holds the public key can check
 * it offline, with the appliance's verifier or with {@code openssl dgst -sha256 -verify}.
 *
 * @param firstSequence first entry the checkpoint covers (the one after the previous checkpoint)
 * @param lastSequence  the chain head it signs
 * @param entryCount    entries in the range
 * @param lastHash      entry hash at {@code lastSequence}
 * @param createdAt     when it was made (microseconds)
 * @param signedBy      label of the signing key in the HSM
 * @param signature     DER ECDSA (P-256, SHA-256) signature of {@link #statement()}
 */
public record AuditCheckpoint(long firstSequence, long lastSequence, long entryCount, byte[] lastHash, Instant createdAt, String signedBy,
                              byte[] signature) {
    public static final String FORMAT = "heroa audit checkpoint v1";

    public AuditCheckpoint {
        lastHash = requireNonNull(lastHash, "lastHash is null").clone();
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(signedBy, "signedBy is null");
        signature = requireNonNull(signature, "signature is null").clone();
        if (firstSequence < 1 || lastSequence < firstSequence || entryCount != lastSequence - firstSequence + 1
                || lastHash.length != AuditChain.HASH_LENGTH || !signedBy.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("not a valid checkpoint");
        }
    }

    /** The exact bytes that are signed: UTF-8 text, one {@code key: value} per line, LF endings. */
    public byte[] statement() {
        return statement(firstSequence, lastSequence, lastHash, createdAt, signedBy);
    }

    public static byte[] statement(long firstSequence, long lastSequence, byte[] lastHash, Instant createdAt, String signedBy) {
        String text = FORMAT + "\n"
                + "first-sequence: " + firstSequence + "\n"
                + "last-sequence: " + lastSequence + "\n"
                + "entry-count: " + (lastSequence - firstSequence + 1) + "\n"
                + "last-hash: " + HexFormat.of().formatHex(lastHash) + "\n"
                + "created-at: " + DateTimeFormatter.ISO_INSTANT.format(createdAt) + "\n"
                + "signed-by: " + signedBy + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads a statement back (strictly: exactly what {@link #statement} writes), with its signature. */
    public static Optional<AuditCheckpoint> parse(byte[] statement, byte[] signature) {
        String text = new String(statement, StandardCharsets.UTF_8);
        List<String> lines = Arrays.asList(text.split("\n", -1));
        if (lines.size() != 8 || !lines.get(0).equals(FORMAT) || !lines.get(7).isEmpty()) {
            return Optional.empty();
        }
        try {
            long first = Long.parseLong(value(lines.get(1), "first-sequence"));
            long last = Long.parseLong(value(lines.get(2), "last-sequence"));
            long count = Long.parseLong(value(lines.get(3), "entry-count"));
            byte[] hash = HexFormat.of().parseHex(value(lines.get(4), "last-hash"));
            Instant created = Instant.parse(value(lines.get(5), "created-at"));
            AuditCheckpoint checkpoint = new AuditCheckpoint(first, last, count, hash, created, value(lines.get(6), "signed-by"), signature);
            return Arrays.equals(checkpoint.statement(), statement) ? Optional.of(checkpoint) : Optional.empty();
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String value(String line, String key) {
        if (!line.startsWith(key + ": ")) {
            throw new IllegalArgumentException("expected " + key);
        }
        return line.substring(key.length() + 2);
    }

    @Override
    public byte[] lastHash() {
        return lastHash.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuditCheckpoint that && lastSequence == that.lastSequence && firstSequence == that.firstSequence
                && Arrays.equals(lastHash, that.lastHash) && createdAt.equals(that.createdAt) && signedBy.equals(that.signedBy)
                && Arrays.equals(signature, that.signature);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lastSequence);
    }

    @Override
    public String toString() {
        return "AuditCheckpoint[" + firstSequence + ".." + lastSequence + ", signed by " + signedBy + "]";
    }
}
