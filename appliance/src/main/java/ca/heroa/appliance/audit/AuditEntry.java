package ca.heroa.appliance.audit;

import static java.util.Objects.requireNonNull;

/**
 * An event in its place in the chain.
 *
 * @param sequence  position in the chain, starting at 1, without gaps
 * @param event     the event
 * @param prevHash  hash of the entry before (32 zero bytes for the first entry ever)
 * @param entryHash SHA-256 over the canonical encoding of sequence, event and prevHash ({@link AuditChain})
 */
public record AuditEntry(long sequence, AuditEvent event, byte[] prevHash, byte[] entryHash) {
    public AuditEntry {
        requireNonNull(event, "event is null");
        prevHash = requireNonNull(prevHash, "prevHash is null").clone();
        entryHash = requireNonNull(entryHash, "entryHash is null").clone();
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be positive: " + sequence);
        }
    }

    @Override
    public byte[] prevHash() {
        return prevHash.clone();
    }

    @Override
    public byte[] entryHash() {
        return entryHash.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuditEntry that
                && sequence == that.sequence
                && event.equals(that.event)
                && java.util.Arrays.equals(prevHash, that.prevHash)
                && java.util.Arrays.equals(entryHash, that.entryHash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence) * 31 + java.util.Arrays.hashCode(entryHash);
    }

    @Override
    public String toString() {
        return "AuditEntry[" + sequence + " " + event.action() + " " + java.util.HexFormat.of().formatHex(entryHash) + "]";
    }
}
