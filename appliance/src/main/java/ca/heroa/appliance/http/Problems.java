package ca.heroa.appliance.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Writes RFC 9457 {@code application/problem+json} responses: stable code, localized title and detail,
 * request ID. Never a stack trace or an internal detail.
 */
public final class Problems {
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    private final JsonCodec json;

    public Problems(JsonCodec json) {
        this.json = requireNonNull(json, "json is null");
    }

    public void send(ServerRequest request, ServerResponse response, ApiException error) {
        RequestInfo info = RequestInfo.of(request);
        ErrorCode code = error.code();
        response.status(Status.create(code.status()));
        response.header(HeaderNames.CONTENT_TYPE, MEDIA_TYPE);
        response.header(RequestInfo.REQUEST_ID, info.requestId());
        response.header(RequestInfo.CONTENT_LANGUAGE, info.language().locale().getLanguage());
        if (code == ErrorCode.UNAUTHENTICATED) {
            response.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"heroa\"");
        }
        if ((code == ErrorCode.RATE_LIMITED || code == ErrorCode.TASK_QUEUE_FULL) && !error.arguments().isEmpty()) {
            response.header(HeaderNames.RETRY_AFTER, error.arguments().getFirst());
        }
        response.send(json.write(body(info.language(), error, info.requestId())));
    }

    /** The RFC 9457 body of {@code error} in {@code language}: stable code, localized title and detail, request ID. */
    static Map<String, Object> body(Language language, ApiException error, String requestId) {
        Messages messages = Messages.of(language);
        ErrorCode code = error.code();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:heroa:problem:" + code.code());
        body.put("title", messages.title(code));
        body.put("status", code.status());
        body.put("detail", messages.detail(code, error.arguments()));
        body.put("code", code.code());
        body.put("requestId", requestId);
        error.members(messages).forEach(body::putIfAbsent);
        return body;
    }

    /** The last resort for anything unexpected: log it with the request ID, answer a generic 500. */
    public void sendUnexpected(ServerRequest request, ServerResponse response, Throwable error) {
        RequestInfo info = RequestInfo.of(request);
        LOG.log(Level.ERROR, "Unexpected error in request " + info.requestId() + ": " + error.getClass().getName(), error);
        send(request, response, new ApiException(ErrorCode.INTERNAL));
    }
}
