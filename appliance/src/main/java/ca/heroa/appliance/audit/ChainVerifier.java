package ca.heroa.appliance.audit;

import java.security.MessageDigest;
import java.util.Optional;

/**
 * Recomputes the chain entry by entry, from the purge anchor (or the genesis) to the head, wherever the entries come
 * from: the database, or an export checked offline.
 */
public final class ChainVerifier {
    private final long anchorSequence;
    private final String anchorPurge;
    private byte[] expectedPrevious;
    private long expectedSequence;
    private long checked;
    private boolean anchorRecorded;

    /** {@code anchorSequence} 0 and the genesis hash when nothing was ever purged. */
    public ChainVerifier(long anchorSequence, byte[] anchorHash) {
        this.anchorSequence = anchorSequence;
        this.anchorPurge = "audit:through:" + anchorSequence;
        this.expectedPrevious = anchorHash.clone();
        this.expectedSequence = anchorSequence + 1;
        this.anchorRecorded = anchorSequence == 0;
    }

    /** The next entry, in sequence order; empty {@code entry} means it could not be read. Returns the break, if this is one. */
    public Optional<AuditVerification> accept(long sequence, Optional<AuditEntry> entry) {
        if (sequence != expectedSequence) {
            return Optional.of(AuditVerification.broken(checked, expectedSequence, ChainBreak.MISSING));
        }
        checked++;
        if (entry.isEmpty() || !AuditChain.matches(entry.get())) {
            return Optional.of(AuditVerification.broken(checked, sequence, ChainBreak.ALTERED));
        }
        if (!MessageDigest.isEqual(entry.get().prevHash(), expectedPrevious)) {
            return Optional.of(AuditVerification.broken(checked, sequence, ChainBreak.UNLINKED));
        }
        anchorRecorded |= entry.get().event().action().equals("audit.purge") && entry.get().event().target().equals(anchorPurge);
        expectedPrevious = entry.get().entryHash();
        expectedSequence++;
        return Optional.empty();
    }

    /** After the last entry: the head must be where the chain ended, and a purge anchor must have been audited. */
    public AuditVerification finish(ChainHead head) {
        if (expectedSequence - 1 != head.sequence() || !MessageDigest.isEqual(expectedPrevious, head.hash())) {
            return AuditVerification.broken(checked, expectedSequence, ChainBreak.TRUNCATED);
        }
        if (!anchorRecorded) {
            return AuditVerification.broken(checked, anchorSequence + 1, ChainBreak.UNANCHORED);
        }
        return AuditVerification.intact(checked);
    }
}
