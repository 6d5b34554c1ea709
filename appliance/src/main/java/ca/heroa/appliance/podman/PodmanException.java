package ca.heroa.appliance.podman;

/** Podman answered, and refused or failed: its HTTP status and its own message (which never holds secrets we sent). */
public class PodmanException extends RuntimeException {
    private final int status;

    public PodmanException(int status, String message) {
        super("Podman answered " + status + ": " + message);
        this.status = status;
    }

    /** The HTTP status Podman answered with. */
    public int status() {
        return status;
    }
}
