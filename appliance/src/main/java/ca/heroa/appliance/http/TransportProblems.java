package ca.heroa.appliance.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;


import static java.util.Objects.requireNonNull;

/**
 * Problems for what the server refuses before routing (a body over the server's own limit, a request it cannot
 * parse), so even those answers are RFC 9457 problems in the caller's language rather than bare statuses.
 */
public final class TransportProblems implements DirectHandler {
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
        String requestId = RequestInfo.newRequestId();
        ApiException error = code == ErrorCode.BODY_TOO_LARGE
                ? new ApiException(code, Integer.toString(json.limits().maxBodyBytes()))
                : new ApiException(code);
        TransportResponse.Builder response = TransportResponse.builder()
                .status(Status.create(code.status()))
                .header(HeaderNames.CONTENT_TYPE, Problems.MEDIA_TYPE)
                .header(RequestInfo.REQUEST_ID, requestId)
                .entity(json.write(Problems.body(language, error, requestId)));
        responseHeaders.forEach(response::header);
        return response.build();
    }
}
