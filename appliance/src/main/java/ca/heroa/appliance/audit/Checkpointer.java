package ca.heroa.appliance.audit;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Makes a signed checkpoint over the chain head every {@code everyEntries} entries, or every {@code interval} when
 * fewer arrived (and at least one did). Run by a timer; a checkpoint that cannot be signed (HSM unavailable) is made at a
 * later tick, covering everything since the previous one, so no range is ever left out.
 * <p>
 * The head it signs comes from this process's own audit writer (what it hashed and committed), not from the database:
 * the database is untrusted storage, and a head read from it could be a rewritten tail that the HSM would then sign.
 */
public final class Checkpointer {
    private static final System.Logger LOG = System.getLogger(Checkpointer.class.getName());
    private final CheckpointStore store;
    private final Supplier<Optional<ChainHead>> trustedHead;
    private final CheckpointSigner signer;
    private final long everyEntries;
    private final Duration interval;
    private final Clock clock;
    private final Instant started;

    /** {@code trustedHead}: the head as this process's audit writer last committed it (empty before its first commit). */
    public Checkpointer(CheckpointStore store, Supplier<Optional<ChainHead>> trustedHead, CheckpointSigner signer, long everyEntries, Duration interval,
                        Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.trustedHead = requireNonNull(trustedHead, "trustedHead is null");
        this.signer = requireNonNull(signer, "signer is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (everyEntries < 1 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("checkpoints need a positive entry count and interval");
        }
        this.everyEntries = everyEntries;
        this.started = clock.instant();
    }

    /** Makes a checkpoint if one is due; returns it. */
    public Optional<AuditCheckpoint> tick() {
        Optional<ChainHead> known = trustedHead.get();
        if (known.isEmpty()) {
            return Optional.empty();
        }
        ChainHead head = known.get();
        Optional<AuditCheckpoint> latest = store.latest();
        long covered = latest.map(AuditCheckpoint::lastSequence).orElse(0L);
        if (head.sequence() <= covered) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant since = latest.map(AuditCheckpoint::createdAt).orElse(started);
        if (head.sequence() - covered < everyEntries && now.isBefore(since.plus(interval))) {
            return Optional.empty();
        }
        return Optional.of(checkpoint(head, covered + 1, now));
    }

    /** Makes a checkpoint over the trusted head now, if any entry is not covered yet (e.g. when the appliance stops). */
    public Optional<AuditCheckpoint> now() {
        Optional<ChainHead> known = trustedHead.get();
        long covered = store.latest().map(AuditCheckpoint::lastSequence).orElse(0L);
        if (known.isEmpty() || known.get().sequence() <= covered) {
            return Optional.empty();
        }
        return Optional.of(checkpoint(known.get(), covered + 1, clock.instant()));
    }

    private AuditCheckpoint checkpoint(ChainHead head, long first, Instant now) {
        Instant createdAt = now.truncatedTo(ChronoUnit.MICROS);
        String label = signer.keyLabel();
        byte[] statement = AuditCheckpoint.statement(first, head.sequence(), head.hash(), createdAt, label);
        AuditCheckpoint checkpoint = new AuditCheckpoint(first, head.sequence(), head.sequence() - first + 1, head.hash(), createdAt, label,
                signer.sign(statement));
        store.insert(checkpoint);
        LOG.log(Level.DEBUG, "audit checkpoint signed over entries " + first + ".." + head.sequence());
        return checkpoint;
    }
}
