package ca.heroa.residency.process;

/** An external program could not be run to its end: unknown or missing program, start failure, timeout. */
public class HostCommandException extends RuntimeException {
    public HostCommandException(String message) {
        super(message);
    }

    public HostCommandException(String message, Throwable cause) {
        super(message, cause);
    }
}
