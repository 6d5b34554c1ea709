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
        BEYOND_HEAD;

        public String key() {
            return "audit.checkpoint." + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public record Failure(long lastSequence, Problem problem) {
    }

    public record Result(int checked, List<Failure> failures) {
        public Result {
            failures = List.copyOf(failures);
        }

        public boolean intact() {
            return failures.isEmpty();
        }
    }

    private CheckpointVerifier() {
    }

    public static Result verify(List<AuditCheckpoint> checkpoints, PublicKey publicKey, long headSequence, LongFunction<Optional<byte[]>> entryHashAt) {
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
