package ca.heroa.appliance.audit;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Filters for reading the audit log, newest first.
 *
 * @param workspace only entries of this workspace
 * @param action    only this action
 * @param actor     only this actor
 * @param outcome   only this outcome
 * @param since     only entries at or after this time
 * @param until     only entries before this time
 * @param before    only entries with a sequence below this one (the cursor)
 * @param limit     at most this many entries (1 to 500)
 */
public record AuditQuery(
        Optional<String> workspace,
        Optional<String> action,
        Optional<String> actor,
        Optional<Outcome> outcome,
        Optional<Instant> since,
        Optional<Instant> until,
        Optional<Long> before,
        int limit) {
    public static final int MAX_LIMIT = 500;

    public AuditQuery {
        requireNonNull(workspace, "workspace is null");
        requireNonNull(action, "action is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(since, "since is null");
        requireNonNull(until, "until is null");
        requireNonNull(before, "before is null");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit out of range: " + limit);
        }
    }
}
