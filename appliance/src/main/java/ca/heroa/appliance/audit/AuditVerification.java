package ca.heroa.appliance.audit;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The result of recomputing the chain.
 *
 * @param entriesChecked how many entries were read
 * @param firstBroken    the sequence of the first entry at which the chain breaks, if any
 * @param reason         why it breaks there
 */
public record AuditVerification(long entriesChecked, Optional<Long> firstBroken, Optional<ChainBreak> reason) {
    public AuditVerification {
        requireNonNull(firstBroken, "firstBroken is null");
        requireNonNull(reason, "reason is null");
        if (firstBroken.isPresent() != reason.isPresent()) {
            throw new IllegalArgumentException("a break needs both a position and a reason");
        }
    }

    public static AuditVerification intact(long entriesChecked) {
        return new AuditVerification(entriesChecked, Optional.empty(), Optional.empty());
    }

    public static AuditVerification broken(long entriesChecked, long sequence, ChainBreak reason) {
        return new AuditVerification(entriesChecked, Optional.of(sequence), Optional.of(reason));
    }

    public boolean intact() {
        return firstBroken.isEmpty();
    }
}
