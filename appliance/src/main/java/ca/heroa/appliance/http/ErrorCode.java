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
    INVALID_IMAGE_ARCHIVE(400),
    DIGEST_REQUIRED(400),
    DIGEST_MISMATCH(400),
    IMAGE_TOO_LARGE(413),
    IMAGE_LIMIT(409),
    IMAGE_IN_USE(409),
    INVALID_MANIFEST(400),
    UNKNOWN_IMAGE(422),
    UNKNOWN_SECRET(422),
    EGRESS_REFUSED(422),
    TEMPLATE_LIMIT(409),
    REVIEW_NOT_PENDING(409),
    SELF_REVIEW(403),
    INVALID_STATE_KEY(400),
    STATE_PRECONDITION_FAILED(412),
    STATE_LIMIT(409),
    TASK_QUEUE_FULL(429),
    TASK_FINISHED(409),
    PODMAN_UNAVAILABLE(503),
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
