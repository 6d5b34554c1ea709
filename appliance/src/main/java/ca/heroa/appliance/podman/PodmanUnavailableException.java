package ca.heroa.appliance.podman;

/** Podman could not be reached (no socket, nobody listening, connection lost, no answer in time). */
public class PodmanUnavailableException extends RuntimeException {
    public PodmanUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public PodmanUnavailableException(String message) {
        super(message);
    }
}
