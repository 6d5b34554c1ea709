package ca.heroa.appliance.audit;

/**
 * The audit entry could not be written, so the operation did not happen (fail closed).
 */
public final class AuditUnavailableException extends RuntimeException {
    public AuditUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
