package ca.heroa.appliance.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * An error that becomes an RFC 9457 problem response. Arguments fill the placeholders of the
 * localized detail text; they must never contain secret material.
 */
public final class ApiException extends RuntimeException {
    private final ErrorCode code;
    private final List<String> arguments;
    private final Optional<Function<Messages, Map<String, Object>>> members;

    public ApiException(ErrorCode code, String... arguments) {
        super(requireNonNull(code, "code is null").code(), null, false, false);
        this.code = code;
        this.arguments = List.of(arguments);
        this.members = Optional.empty();
    }

    /** With extension members (RFC 9457 section 3.2) written in the caller's language, e.g. each refused endpoint. */
    public ApiException(ErrorCode code, Function<Messages, Map<String, Object>> members, String... arguments) {
        super(requireNonNull(code, "code is null").code(), null, false, false);
        this.code = code;
        this.arguments = List.of(arguments);
        this.members = Optional.of(requireNonNull(members, "members is null"));
    }

    public ApiException(ErrorCode code, Throwable cause) {
        super(requireNonNull(code, "code is null").code(), cause, false, false);
        this.code = code;
        this.arguments = List.of();
        this.members = Optional.empty();
    }

    public ErrorCode code() {
        return code;
    }

    public List<String> arguments() {
        return arguments;
    }

    /** Extension members of the problem, in the language of {@code messages}. */
    public Map<String, Object> members(Messages messages) {
        return members.map(render -> render.apply(messages)).orElse(Map.of());
    }
}
