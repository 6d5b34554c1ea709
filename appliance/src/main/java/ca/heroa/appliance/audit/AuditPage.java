package ca.heroa.appliance.audit;

import java.util.List;
import java.util.Optional;

/**
 * One page of audit entries, newest first, and the sequence to continue before, if there is more.
 */
public record AuditPage(List<AuditEntry> entries, Optional<Long> continueBefore) {
    public AuditPage {
        entries = List.copyOf(entries);
        java.util.Objects.requireNonNull(continueBefore, "continueBefore is null");
    }
}
