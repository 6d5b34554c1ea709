package ca.heroa.appliance.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * What happened, before it has a place in the chain. Values that are secret never go in here: not token
 * values, not secret values, not PINs.
 *
 * @param occurredAt    when it happened (UTC, microsecond precision, as PostgreSQL stores it)
 * @param actor         who did it, e.g. {@code tenant-admin:tok_...}, {@code workspace-token:...}, {@code anonymous}, {@code cli}
 * @param workspace     the workspace it concerns, if any
 * @param action        what was done, e.g. {@code workspace.create}, {@code auth.failed}
 * @param target        what it was done to, e.g. {@code workspace:ws_...}
 * @param outcome       how it ended
 * @param requestId     the API request, if it came through the API
 * @param sourceAddress the client's address, if known
 * @param details       further non-secret facts, sorted by key
 */
public record AuditEvent(
        Instant occurredAt,
        String actor,
        Optional<String> workspace,
        String action,
        String target,
        Outcome outcome,
        Optional<String> requestId,
        Optional<String> sourceAddress,
        SortedMap<String, String> details) {

    public AuditEvent {
        requireNonNull(occurredAt, "occurredAt is null");
        occurredAt = occurredAt.truncatedTo(ChronoUnit.MICROS);
        requireNonNull(actor, "actor is null");
        requireNonNull(workspace, "workspace is null");
        requireNonNull(action, "action is null");
        requireNonNull(target, "target is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(requestId, "requestId is null");
        requireNonNull(sourceAddress, "sourceAddress is null");
        details = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(requireNonNull(details, "details is null")));
    }

    /** The event's context: who, from where, in which request. */
    public record Context(String actor, Optional<String> requestId, Optional<String> sourceAddress) {
        public Context {
            requireNonNull(actor, "actor is null");
            requireNonNull(requestId, "requestId is null");
            requireNonNull(sourceAddress, "sourceAddress is null");
        }

        public static Context commandLine() {
            return new Context("cli", Optional.empty(), Optional.empty());
        }

        public static Context system() {
            return new Context("system", Optional.empty(), Optional.empty());
        }
    }

    public static AuditEvent of(Context context, Optional<String> workspace, String action, String target,
                                Outcome outcome, Map<String, String> details) {
        requireNonNull(context, "context is null");
        return new AuditEvent(Instant.now(), context.actor(), workspace, action, target, outcome,
                context.requestId(), context.sourceAddress(), new TreeMap<>(details));
    }

    public static AuditEvent success(Context context, Optional<String> workspace, String action, String target, Map<String, String> details) {
        return of(context, workspace, action, target, Outcome.SUCCESS, details);
    }
}
