package ca.heroa.appliance.api;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The OpenAPI document served by the appliance lists exactly the routes it serves. */
class OpenApiRoutesTest {
    static JsonNode servedDocument() {
        ApiClient.Response response = TestAppliance.client().send("GET", "/v1/openapi", java.util.Optional.empty(),
                java.util.Optional.empty(), Map.of());
        assertEquals(200, response.status(), "GET /v1/openapi");
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void documentedOperationsAreExactlyTheServedRoutes() {
        Set<String> served = new TreeSet<>();
        TestAppliance.get().services().forEach(service -> service.routes()
                .forEach(route -> served.add(route.method().text() + " " + route.path())));
        Set<String> documented = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = servedDocument().get("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (!method.equals("parameters")) {
                    documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            });
        }
        assertEquals(served, documented, "every served route is documented in openapi.yaml and nothing else is");
    }
}
