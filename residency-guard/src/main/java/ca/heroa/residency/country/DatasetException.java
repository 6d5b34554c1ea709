package ca.heroa.residency.country;

/**
 * A country-range dataset that cannot be used: unreadable, too large, not the expected digest, or a malformed row. The
 * message names the file and the line, and quotes at most the first 100 characters of the line.
 */
public final class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
