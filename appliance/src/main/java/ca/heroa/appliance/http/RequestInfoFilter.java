package ca.heroa.appliance.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Gives every request an ID and language before any handler runs, and echoes the ID to the client.
 */
public final class RequestInfoFilter implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        RequestInfo info = RequestInfo.create(request);
        request.context().register(info);
        response.header(RequestInfo.REQUEST_ID, info.requestId());
        response.header(RequestInfo.CONTENT_LANGUAGE, info.language().locale().getLanguage());
        chain.proceed();
    }
}
