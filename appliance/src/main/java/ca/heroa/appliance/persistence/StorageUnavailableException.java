package ca.heroa.appliance.persistence;

/** The database could not answer a read; the caller gets a 503. */
public final class StorageUnavailableException extends RuntimeException {
    public StorageUnavailableException(Throwable cause) {
        super("storage unavailable", cause);
    }
}
