package ca.heroa.appliance.audit;

import ca.heroa.hsm.Fips;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

/**
 * The canonical encoding and hash of audit entries (documented in docs-en-fr, "Audit log format").
 * <p>
 * Each field is written in a fixed order as a 4-byte big-endian length followed by its UTF-8 bytes; an
 * absent optional field is the length {@code 0xFFFFFFFF} with no bytes. Details are their count followed by
 * key and value pairs sorted by key. The previous entry's hash (32 bytes) comes last. The entry hash is
 * SHA-256 of the whole.
 */
public final class AuditChain {
    public static final String FORMAT = "heroa.audit.v1";
    public static final int HASH_LENGTH = 32;
    private static final byte[] GENESIS = new byte[HASH_LENGTH];
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private AuditChain() {
    }

    /** The {@code prev_hash} of the very first entry. */
    public static byte[] genesis() {
        return GENESIS.clone();
    }

    public static AuditEntry link(long sequence, AuditEvent event, byte[] prevHash) {
        return new AuditEntry(sequence, event, prevHash, hash(sequence, event, prevHash));
    }

    public static byte[] hash(long sequence, AuditEvent event, byte[] prevHash) {
        if (prevHash.length != HASH_LENGTH) {
            throw new IllegalArgumentException("prevHash must be " + HASH_LENGTH + " bytes");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        field(out, FORMAT);
        field(out, Long.toString(sequence));
        field(out, TIMESTAMP.format(event.occurredAt()));
        field(out, event.actor());
        optional(out, event.workspace());
        field(out, event.action());
        field(out, event.target());
        field(out, event.outcome().value());
        optional(out, event.requestId());
        optional(out, event.sourceAddress());
        out.writeBytes(ByteBuffer.allocate(4).putInt(event.details().size()).array());
        for (Map.Entry<String, String> detail : event.details().entrySet()) {
            field(out, detail.getKey());
            field(out, detail.getValue());
        }
        out.writeBytes(prevHash);
        return sha256(out.toByteArray());
    }

    /** Whether {@code entry} carries the hash its content and predecessor imply. */
    public static boolean matches(AuditEntry entry) {
        return MessageDigest.isEqual(entry.entryHash(), hash(entry.sequence(), entry.event(), entry.prevHash()));
    }

    private static void optional(ByteArrayOutputStream out, Optional<String> value) {
        if (value.isEmpty()) {
            out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            return;
        }
        field(out, value.get());
    }

    private static void field(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(ByteBuffer.allocate(4).putInt(bytes.length).array());
        out.writeBytes(bytes);
    }

    /** SHA-256 from Bouncy Castle FIPS (approved mode), like all the appliance's software cryptography. */
    private static byte[] sha256(byte[] input) {
        return Fips.sha256().digest(input);
    }
}
