package ca.heroa.appliance.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * What every handler needs to know about the request it serves: its ID (echoed as {@code X-Request-Id}
 * and written to audit entries), the caller's language and the source address.
 */
public record RequestInfo(String requestId, Language language, String sourceAddress) {
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final io.helidon.http.HeaderName REQUEST_ID = HeaderNames.create(REQUEST_ID_HEADER);
    static final io.helidon.http.HeaderName CONTENT_LANGUAGE = HeaderNames.create("Content-Language");

    public RequestInfo {
        requireNonNull(requestId, "requestId is null");
        requireNonNull(language, "language is null");
        requireNonNull(sourceAddress, "sourceAddress is null");
    }

    /** The request's info, created by {@link RequestInfoFilter} (or on first use, for error paths before the filter). */
    public static RequestInfo of(ServerRequest request) {
        return request.context().get(RequestInfo.class).orElseGet(() -> {
            RequestInfo created = create(request);
            request.context().register(created);
            return created;
        });
    }

    static RequestInfo create(ServerRequest request) {
        Language language = Language.fromAcceptLanguage(request.headers().first(HeaderNames.ACCEPT_LANGUAGE).orElse(null));
        return new RequestInfo(newRequestId(), language, address(request.remotePeer().address()));
    }

    /** A new request ID: a correlation ID, not a secret, so a fast thread-local generator is enough. */
    static String newRequestId() {
        byte[] id = new byte[12];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(id);
        return "req_" + HexFormat.of().formatHex(id);
    }

    private static String address(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return "unknown";
    }
}
