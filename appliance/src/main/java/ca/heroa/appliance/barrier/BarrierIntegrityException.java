package ca.heroa.appliance.barrier;

/**
 * A sealed object did not authenticate: it was altered, or copied into another row, name or workspace. Nothing was
 * decrypted. The message names where (never what).
 */
public final class BarrierIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BarrierIntegrityException(String where) {
        super("integrity check failed for " + where + ": altered, or moved from another row");
    }
}
