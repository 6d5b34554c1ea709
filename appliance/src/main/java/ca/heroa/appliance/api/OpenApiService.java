package ca.heroa.appliance.api;

import ca.heroa.appliance.http.ApiRoute;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** {@code GET /v1/openapi}: the OpenAPI 3.1 document of this API (no authentication: it describes, it reveals nothing). */
public final class OpenApiService implements ApiService {
    public static final String RESOURCE = "/ca/heroa/appliance/openapi.yaml";
    private final byte[] document;

    public OpenApiService() {
        try (InputStream in = OpenApiService.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("OpenAPI document missing from the build: " + RESOURCE);
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(new ApiRoute(Method.GET, "/v1/openapi", this::document));
    }

    private void document(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, "application/yaml");
        response.send(document);
    }
}
