package ca.heroa.appliance.audit;

import ca.heroa.hsm.Fips;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

import static java.util.Objects.requireNonNull;

/**
 * Checks checkpoints offline: each signature against the audit-signing public key, and each signed hash against the
 * entry it names (when that entry is retained; a purged one leaves only the signature to check).
 */
public final class CheckpointVerifier {
    /** Why a checkpoint does not verify. Bilingual messages: {@code audit.checkpoint.<kind>}. */
    public enum Problem {
        /** The signature does not verify: the statement was changed, or was not signed by this key. */
        BAD_SIGNATURE,
        /** The signed hash differs from the chain's at that entry: the chain was rewritten after the checkpoint. */
        HASH_MISMATCH,
        /** The checkpoint names entries beyond the chain's head: newer entries were removed. */
        BEYOND_HEAD,
        /** Entries from here on are covered by no signed checkpoint: checkpoints were removed, or never made. */
        UNCOVERED;

        public String key() {
            return "audit.checkpoint." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public record Failure(long lastSequence, Problem problem) {
    }

    /**
     * @param checked       checkpoints checked
     * @param failures      what does not verify
     * @param unsignedTail  entries after the newest checkpoint (first, last), when the caller allows such a tail
     */
    public record Result(int checked, List<Failure> failures, Optional<long[]> unsignedTail) {
        public Result {
            failures = List.copyOf(failures);
            requireNonNull(unsignedTail, "unsignedTail is null");
        }

        public Result(int checked, List<Failure> failures) {
            this(checked, failures, Optional.empty());
        }

        public boolean intact() {
            return failures.isEmpty();
        }
    }

    private CheckpointVerifier() {
    }

    /**
     * Checks every checkpoint, then that together they cover every retained entry ({@code anchorSequence} + 1 to
     * {@code headSequence}) without a gap. With {@code allowUnsignedTail} the entries after the newest checkpoint (the
     * live log between two checkpoints) are reported, not failed; an export must be covered to its end.
     */
    public static Result verify(List<AuditCheckpoint> checkpoints, PublicKey publicKey, long anchorSequence, long headSequence,
                                boolean allowUnsignedTail, LongFunction<Optional<byte[]>> entryHashAt) {
        Result signed = verify(checkpoints, publicKey, headSequence, entryHashAt);
        List<Failure> failures = new ArrayList<>(signed.failures());
        long coveredThrough = anchorSequence;
        // Only checkpoints that verify vouch for their range.
        java.util.Set<Long> failed = new java.util.HashSet<>();
        signed.failures().forEach(failure -> failed.add(failure.lastSequence()));
        List<AuditCheckpoint> ordered = checkpoints.stream().filter(checkpoint -> !failed.contains(checkpoint.lastSequence()))
                .sorted(java.util.Comparator.comparingLong(AuditCheckpoint::lastSequence)).toList();
        for (AuditCheckpoint checkpoint : ordered) {
            if (checkpoint.lastSequence() <= coveredThrough) {
                continue;
            }
            if (checkpoint.firstSequence() > coveredThrough + 1) {
                failures.add(new Failure(coveredThrough + 1, Problem.UNCOVERED));
            }
            coveredThrough = checkpoint.lastSequence();
        }
        Optional<long[]> tail = Optional.empty();
        if (coveredThrough < headSequence) {
            if (allowUnsignedTail) {
                tail = Optional.of(new long[] {coveredThrough + 1, headSequence});
            } else {
                failures.add(new Failure(coveredThrough + 1, Problem.UNCOVERED));
            }
        }
        return new Result(signed.checked(), failures, tail);
    }

    /** Checks each checkpoint's signature and signed hash (not coverage). */
    public static Result verify(List<AuditCheckpoint> checkpoints, PublicKey publicKey, long headSequence, LongFunction<Optional<byte[]>> entryHashAt) {
        Fips.install();
        List<Failure> failures = new ArrayList<>();
        for (AuditCheckpoint checkpoint : checkpoints) {
            if (!signatureValid(checkpoint, publicKey)) {
                failures.add(new Failure(checkpoint.lastSequence(), Problem.BAD_SIGNATURE));
                continue;
            }
            if (checkpoint.lastSequence() > headSequence) {
                failures.add(new Failure(checkpoint.lastSequence(), Problem.BEYOND_HEAD));
                continue;
            }
            Optional<byte[]> hash = entryHashAt.apply(checkpoint.lastSequence());
            if (hash.isPresent() && !MessageDigest.isEqual(hash.get(), checkpoint.lastHash())) {
                failures.add(new Failure(checkpoint.lastSequence(), Problem.HASH_MISMATCH));
            }
        }
        return new Result(checkpoints.size(), failures);
    }

    static boolean signatureValid(AuditCheckpoint checkpoint, PublicKey publicKey) {
        try {
            Signature verifier = Signature.getInstance("SHA256withECDSA", Fips.PROVIDER);
            verifier.initVerify(publicKey);
            verifier.update(checkpoint.statement());
            return verifier.verify(checkpoint.signature());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
