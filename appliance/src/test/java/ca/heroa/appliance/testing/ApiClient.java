package ca.heroa.appliance.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** An HTTPS client of the test appliance: TLS 1.3, trusting only the appliance's CA. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int port;
    private final HttpClient client;

    public ApiClient(int port, X509Certificate trustAnchor) {
        this(port, trustAnchor, Optional.empty(), "TLSv1.3");
    }

    public ApiClient(int port, X509Certificate trustAnchor, Optional<InetAddress> localAddress, String protocol) {
        this.port = port;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .sslContext(sslContext(trustAnchor))
                .sslParameters(parameters(protocol))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        localAddress.ifPresent(builder::localAddress);
        this.client = builder.build();
    }

    public record Response(int status, Map<String, java.util.List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response body is not JSON: " + body, e);
            }
        }

        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .flatMap(entry -> entry.getValue().stream())
                    .findFirst();
        }
    }

    public Response send(String method, String path, Optional<String> token, Optional<String> jsonBody, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, jsonBody.map(HttpRequest.BodyPublishers::ofString).orElse(HttpRequest.BodyPublishers.noBody()));
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        if (jsonBody.isPresent() && headers.keySet().stream().noneMatch(name -> name.equalsIgnoreCase("Content-Type"))) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** PUT of a raw body (a secret value) with the given content type. */
    public Response putBytes(String path, String token, byte[] body, String contentType) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType)
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POST of a raw body (an image archive) with the given content type and extra headers. */
    public Response postBytes(String path, String token, byte[] body, String contentType, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", contentType);
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response get(String path, String token) {
        return send("GET", path, Optional.of(token), Optional.empty(), Map.of());
    }

    public Response post(String path, String token, String body) {
        return send("POST", path, Optional.of(token), Optional.of(body), Map.of());
    }

    public Response patch(String path, String token, String body) {
        return send("PATCH", path, Optional.of(token), Optional.of(body), Map.of());
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, Optional.of(token), Optional.empty(), Map.of());
    }

    /** Creates a workspace as tenant admin and returns its ID. */
    public String createWorkspace(String adminToken, String name) {
        Response response = post("/v1/workspaces", adminToken, "{\"name\":\"" + name + "\"}");
        if (response.status() != 201) {
            throw new AssertionError("workspace creation failed: " + response.status() + " " + response.body());
        }
        return response.json().get("id").asText();
    }

    /** Creates a workspace token and returns the issued JSON (with "id" and "token"). */
    public JsonNode createToken(String token, String workspace, String name, String... scopes) {
        StringBuilder list = new StringBuilder();
        for (String scope : scopes) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(scope).append('"');
        }
        Response response = post("/v1/workspaces/" + workspace + "/tokens", token,
                "{\"name\":\"" + name + "\",\"scopes\":[" + list + "]}");
        if (response.status() != 201) {
            throw new AssertionError("token creation failed: " + response.status() + " " + response.body());
        }
        return response.json();
    }

    static SSLContext sslContext(X509Certificate trustAnchor) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("heroa-ca", trustAnchor);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SSLParameters parameters(String protocol) {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(new String[] {protocol});
        return parameters;
    }

    public static SSLContext trusting(X509Certificate trustAnchor) {
        return sslContext(trustAnchor);
    }
}
