package ca.heroa.appliance.audit;

import java.time.Instant;

/**
 * The append-only, hash-chained audit log. Mutations that must be audited atomically with their change go
 * through the stores, which append their event in the same transaction; this interface appends standalone
 * events (authentication failures) and reads, verifies and purges the log.
 */
public interface AuditTrail {
    /** Appends one event; returns when it is durable. Throws {@link AuditUnavailableException} if it cannot be written. */
    void append(AuditEvent event);

    AuditPage query(AuditQuery query);

    /** Recomputes every hash and link from the oldest retained entry to the chain head. */
    AuditVerification verify();

    /**
     * Removes entries older than {@code cutoff}, keeping an anchor so the rest still verifies, and audits the
     * purge itself with {@code context}. Returns how many entries were removed.
     */
    long purgeBefore(Instant cutoff, AuditEvent.Context context);

    /** Where the retained chain starts and ends, and every checkpoint, from one consistent snapshot (no entries read). */
    ChainSnapshot ends();

    /**
     * Streams the retained chain, oldest entry first, from one consistent snapshot: first tells {@code entries} where
     * the chain starts and ends and which checkpoints exist (so it can decide what to keep), then gives it every
     * retained entry. For exports that are verified offline.
     */
    ChainSnapshot export(java.util.function.Function<ChainSnapshot, java.util.function.Consumer<AuditEntry>> entries);

    /**
     * @param anchorSequence last purged entry (0 if none was ever purged)
     * @param anchorHash     its hash (the genesis hash if none)
     * @param head           the chain head
     * @param checkpoints    every signed checkpoint, oldest first
     */
    record ChainSnapshot(long anchorSequence, byte[] anchorHash, ChainHead head, java.util.List<AuditCheckpoint> checkpoints) {
        public ChainSnapshot {
            anchorHash = anchorHash.clone();
            checkpoints = java.util.List.copyOf(checkpoints);
        }

        @Override
        public byte[] anchorHash() {
            return anchorHash.clone();
        }
    }
}
