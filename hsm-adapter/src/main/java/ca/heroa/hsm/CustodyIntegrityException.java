package ca.heroa.hsm;

/**
 * Authenticated decryption failed: the ciphertext or wrapped key was altered, or presented with a context (workspace,
 * kind, name) other than the one it was sealed under. Nothing is returned.
 */
public final class CustodyIntegrityException extends CustodyException {
    private static final long serialVersionUID = 1L;

    public CustodyIntegrityException() {
        super(CustodyProblem.INTEGRITY_FAILURE);
    }
}
