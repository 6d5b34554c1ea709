package ca.heroa.appliance.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Problems for what the server refuses before routing (a body over the server's own limit, a request it cannot
 * parse), so even those answers are RFC 9457 problems in the caller's language rather than bare statuses.
 */
public final class TransportProblems implements DirectHandler {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final JsonCodec json;

    public TransportProblems(JsonCodec json) {
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, String message) {
        // Helidon reports an oversized body as a bad request whose status is 413.
        ErrorCode code = defaultStatus.code() == Status.REQUEST_ENTITY_TOO_LARGE_413.code() ? ErrorCode.BODY_TOO_LARGE : ErrorCode.MALFORMED_REQUEST;
        Language language = Language.fromAcceptLanguage(request.headers().first(HeaderNames.ACCEPT_LANGUAGE).orElse(null));
        Messages messages = Messages.of(language);
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        String requestId = "req_" + HexFormat.of().formatHex(id);
        List<String> arguments = code == ErrorCode.BODY_TOO_LARGE ? List.of(Integer.toString(json.limits().maxBodyBytes())) : List.of();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:heroa:problem:" + code.code());
        body.put("title", messages.title(code));
        body.put("status", code.status());
        body.put("detail", messages.detail(code, arguments));
        body.put("code", code.code());
        body.put("requestId", requestId);
        TransportResponse.Builder response = TransportResponse.builder()
                .status(Status.create(code.status()))
                .header(HeaderNames.CONTENT_TYPE, Problems.MEDIA_TYPE)
                .header(HeaderNames.create(RequestInfo.REQUEST_ID_HEADER), requestId)
                .entity(json.write(body));
        responseHeaders.forEach(response::header);
        return response.build();
    }
}
