package ca.heroa.appliance.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;

import static java.util.Objects.requireNonNull;

/**
 * One route of the public API. Services list their routes as values so the OpenAPI document and the
 * cross-workspace test can be checked against exactly what is served.
 *
 * @param method HTTP method
 * @param path   path template in Helidon and OpenAPI syntax, e.g. {@code /v1/workspaces/{workspace}}
 * @param handler the handler
 */
public record ApiRoute(Method method, String path, Handler handler) {
    public ApiRoute {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(handler, "handler is null");
    }
}
