package ca.heroa.appliance.api;

import ca.heroa.appliance.http.ApiRoute;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

import java.util.List;

/**
 * A resource of the public API. Its routes are values, so the OpenAPI document and the cross-workspace test
 * are checked against exactly what is served.
 */
public interface ApiService extends HttpService {
    List<ApiRoute> routes();

    @Override
    default void routing(HttpRules rules) {
        routes().forEach(route -> rules.route(route.method(), route.path(), route.handler()));
    }
}
