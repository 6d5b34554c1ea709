package ca.heroa.hsm;

/** The HSM cannot serve the operation now. Nothing falls back to software; retry later. */
public final class CustodyUnavailableException extends CustodyException {
    private static final long serialVersionUID = 1L;

    public CustodyUnavailableException(String reason, Throwable cause) {
        super(CustodyProblem.HSM_UNAVAILABLE, cause, reason);
    }
}
