package ca.heroa.appliance.http;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9457 problems in English and French; explicit input limits answered with 413/400, never 500. */
class ProblemsAndLimitsTest {
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        api = TestAppliance.client();
        admin = TestAppliance.adminToken();
    }

    private static ApiClient.Response createWorkspace(String body, Map<String, String> headers) {
        return api.send("POST", "/v1/workspaces", Optional.of(admin), Optional.of(body), headers);
    }

    @Test
    void sameFailingRequestInFrenchAndEnglish() {
        ApiClient.Response english = createWorkspace("{\"name\":\"\"}", Map.of("Accept-Language", "en-CA"));
        ApiClient.Response french = createWorkspace("{\"name\":\"\"}", Map.of("Accept-Language", "fr-CA,fr;q=0.9,en;q=0.5"));
        assertEquals(400, english.status());
        assertEquals(400, french.status());
        assertEquals("application/problem+json", french.header("Content-Type").orElseThrow());
        assertEquals("invalid_name", french.json().get("code").asText());
        assertEquals(english.json().get("code"), french.json().get("code"), "the code is stable across languages");
        assertEquals("Invalid name", english.json().get("title").asText());
        assertEquals("Nom invalide", french.json().get("title").asText());
        assertTrue(french.json().get("detail").asText().startsWith("Un nom compte de 1 à 64 caractères"), french.body());
        assertEquals("fr", french.header("Content-Language").orElseThrow());
        assertEquals(french.header("X-Request-Id").orElseThrow(), french.json().get("requestId").asText());
    }

    @Test
    void unauthenticatedProblemIsFrenchToo() {
        ApiClient.Response french = api.send("GET", "/v1/workspaces", Optional.empty(), Optional.empty(), Map.of("Accept-Language", "fr"));
        assertEquals(401, french.status());
        assertEquals("Authentification requise", french.json().get("title").asText());
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"name\":\"" + "a".repeat(70_000) + "\"}";
        ApiClient.Response response = createWorkspace(big, Map.of());
        assertEquals(413, response.status(), response.body());
        assertEquals("body_too_large", response.json().get("code").asText());
    }

    /**
     * Declares a body over the server's own limit and sends only the headers: the server answers before reading
     * the body and closes, so a client still uploading could see a reset instead of the answer. A raw socket
     * reads the answer deterministically.
     */
    @Test
    void bodyOverTheServersOwnLimitIsStillAProblem() throws Exception {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) ApiClient.trusting(TestAppliance.get().tls().trustAnchor())
                .getSocketFactory().createSocket("localhost", TestAppliance.get().port())) {
            socket.setSoTimeout(10_000);
            String request = "POST /v1/workspaces HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + admin
                    // Over the server-wide cap, which is the largest any route takes (an image archive, 512 MiB by default).
                    + "\r\nContent-Type: application/json\r\nAccept-Language: fr\r\nContent-Length: " + (512L * 1024 * 1024 + 1) + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
            assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/problem+json"), answer);
            assertTrue(answer.contains("\"code\":\"body_too_large\""), answer);
            assertTrue(answer.contains("Corps de requête trop volumineux"), answer);
        }
    }

    @Test
    void nestingOverTheLimitIs400() {
        String deep = "{\"name\":" + "[".repeat(40) + "]".repeat(40) + "}";
        ApiClient.Response response = createWorkspace(deep, Map.of());
        assertEquals(400, response.status(), response.body());
        assertEquals("json_too_deep", response.json().get("code").asText());
    }

    @Test
    void stringOverTheLimitIs400() {
        ApiClient.Response response = createWorkspace("{\"name\":\"" + "b".repeat(5_000) + "\"}", Map.of());
        assertEquals(400, response.status(), response.body());
        assertEquals("string_too_long", response.json().get("code").asText());
    }

    @Test
    void malformedUnknownAndWrongTypeAreClear400s() {
        assertEquals("malformed_json", createWorkspace("{\"name\":", Map.of()).json().get("code").asText());
        assertEquals("unknown_field", createWorkspace("{\"name\":\"x\",\"admin\":true}", Map.of()).json().get("code").asText());
        assertEquals("malformed_json", createWorkspace("{\"name\":\"x\",\"name\":\"y\"}", Map.of()).json().get("code").asText(),
                "duplicate keys are refused");
        ApiClient.Response wrongType = api.send("POST", "/v1/workspaces", Optional.of(admin), Optional.of("name=x"),
                Map.of("Content-Type", "text/plain"));
        assertEquals(415, wrongType.status());
    }

    @Test
    void unknownRouteIsAProblemAndNothingLeaksInternals() {
        ApiClient.Response response = api.get("/v1/nothing-here", admin);
        assertEquals(404, response.status());
        assertEquals("not_found", response.json().get("code").asText());
        for (String body : new String[] {response.body(), createWorkspace("{\"name\":", Map.of()).body()}) {
            assertFalse(body.contains("Exception"), body);
            assertFalse(body.contains("ca.heroa"), body);
            assertFalse(body.contains("jackson"), body);
        }
    }

    @Test
    void requestIdsAreUnique() {
        assertNotEquals(api.get("/v1/nothing", admin).header("X-Request-Id"), api.get("/v1/nothing", admin).header("X-Request-Id"));
    }
}
