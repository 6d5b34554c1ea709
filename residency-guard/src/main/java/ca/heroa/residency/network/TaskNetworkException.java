package ca.heroa.residency.network;

/** A task network could not be prepared (the task must not start) or the task networks could not start. */
public class TaskNetworkException extends RuntimeException {
    public TaskNetworkException(String message) {
        super(message);
    }

    public TaskNetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
