package ca.heroa.appliance.http;

/**
 * Every error the API can answer. Each code maps to one HTTP status and one bilingual message
 * ({@code error.<code>.title} and {@code error.<code>.detail} in the message bundles).
 */
public enum ErrorCode {
    UNAUTHENTICATED(401),
    RATE_LIMITED(429),
    FORBIDDEN(403),
    NOT_FOUND(404),
    BODY_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    MALFORMED_REQUEST(400),
    MALFORMED_JSON(400),
    JSON_TOO_DEEP(400),
    STRING_TOO_LONG(400),
    UNKNOWN_FIELD(400),
    MISSING_FIELD(400),
    INVALID_NAME(400),
    INVALID_SCOPE(400),
    SCOPE_NOT_GRANTABLE(403),
    INVALID_EXPIRY(400),
    INVALID_PARAMETER(400),
    INVALID_CURSOR(400),
    NAME_TAKEN(409),
    INVALID_SECRET_NAME(400),
    SECRET_MEDIA_TYPE(415),
    EMPTY_SECRET(400),
    SECRET_LIMIT(409),
    AUDIT_UNAVAILABLE(503),
    SERVICE_UNAVAILABLE(503),
    HSM_UNAVAILABLE(503),
    INTEGRITY_FAILURE(500),
    INTERNAL(500);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Stable, lower-case identifier used in problem bodies and message keys. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
