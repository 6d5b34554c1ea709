package ca.heroa.appliance.http;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An error that becomes an RFC 9457 problem response. Arguments fill the placeholders of the
 * localized detail text; they must never contain secret material.
 */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final List<String> arguments;

    public ApiException(ErrorCode code, String... arguments) {
        super(requireNonNull(code, "code is null").code(), null, false, false);
        this.code = code;
        this.arguments = List.of(arguments);
    }

    public ApiException(ErrorCode code, Throwable cause) {
        super(requireNonNull(code, "code is null").code(), cause, false, false);
        this.code = code;
        this.arguments = List.of();
    }

    public ErrorCode code() {
        return code;
    }

    public List<String> arguments() {
        return arguments;
    }
}
