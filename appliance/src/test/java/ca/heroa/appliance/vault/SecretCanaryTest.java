package ca.heroa.appliance.vault;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.LogCapture;
import ca.heroa.appliance.testing.TestAppliance;
import ca.heroa.appliance.workspace.WorkspaceId;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A canary secret goes in through every path the API offers, and is then looked for, raw, in base64, in hex and
 * JSON-escaped, everywhere a value could leak: the appliance's log records, every API response, the audit log, the
 * metrics, and a dump of every table of the database. It is found nowhere — while the same search finds it in the
 * value the vault delivers to a task, so the search itself works.
 */
class SecretCanaryTest {
    private static final String CANARY = "Canary/7f3a9c+Été\"secret\\n-" + Long.toHexString(System.nanoTime());

    @Test
    void theCanaryValueAppearsNowhereButInItsDelivery() throws Exception {
        LogCapture capture = LogCapture.start();
        List<String> responses = new ArrayList<>();
        byte[] canary = CANARY.getBytes(StandardCharsets.UTF_8);
        String workspace;
        try {
            ApiClient api = TestAppliance.client();
            String admin = TestAppliance.adminToken();
            workspace = api.createWorkspace(admin, "canary");
            String path = "/v1/workspaces/" + workspace + "/secrets/canary";
            String reader = api.post("/v1/workspaces/" + workspace + "/tokens", admin, "{\"name\":\"reader\",\"scopes\":[\"workspace:read\"]}")
                    .json().get("token").asText();
            responses.add(api.putBytes(path, admin, canary, "application/octet-stream").body());
            responses.add(api.putBytes(path, admin, canary, "application/octet-stream").body());
            responses.add(api.putBytes(path, reader, canary, "application/octet-stream").body());
            responses.add(api.putBytes(path, admin, canary, "text/plain").body());
            responses.add(api.send("PUT", path, Optional.of(admin), Optional.of(CANARY), Map.of()).body());
            responses.add(api.putBytes("/v1/workspaces/ws_" + "2".repeat(32) + "/secrets/canary", admin, canary, "application/octet-stream").body());
            responses.add(api.putBytes("/v1/workspaces/" + workspace + "/secrets/..", admin, canary, "application/octet-stream").body());
            byte[] oversized = (CANARY + "x".repeat(5000)).getBytes(StandardCharsets.UTF_8);
            responses.add(api.putBytes(path, admin, oversized, "application/octet-stream").body());
            responses.add(api.get(path, admin).body());
            responses.add(api.get("/v1/workspaces/" + workspace + "/secrets", reader).body());
            responses.add(api.get("/v1/audit?workspace=" + workspace, admin).body());
            responses.add(api.get("/v1/audit", admin).body());
            responses.add(metrics());
            responses.add(api.get("/v1/openapi", admin).body());
        } finally {
            capture.close();
        }
        List<String> logs = capture.lines();
        List<String> forms = forms(canary);
        try (SecretValue delivered = TestAppliance.get().vault().reveal(new WorkspaceId(workspace), new SecretName("canary")).orElseThrow()) {
            assertArrayEquals(canary, delivered.copy(), "the value is stored and delivered intact");
            assertTrue(found(forms, new String(delivered.copy(), StandardCharsets.UTF_8)).isPresent(), "the search finds the canary where it is");
            assertFalse(delivered.toString().contains(CANARY), "not even its toString shows it");
        }
        assertTrue(responses.size() > 10 && !logs.isEmpty(), "requests and log records were captured");
        for (String response : responses) {
            assertEquals(Optional.empty(), found(forms, response), "an API response carries the value: " + response);
        }
        for (String line : logs) {
            assertEquals(Optional.empty(), found(forms, line), "a log record carries the value: " + line);
        }
        for (String row : databaseDump()) {
            assertEquals(Optional.empty(), found(forms, row), "the database holds the value in clear: " + row);
        }
    }

    /** The value raw, in base64 (standard, URL, no padding), in hex (both cases) and JSON-escaped. */
    private static List<String> forms(byte[] value) throws Exception {
        String json = new ObjectMapper().writeValueAsString(CANARY);
        return List.of(CANARY, json.substring(1, json.length() - 1), Base64.getEncoder().encodeToString(value),
                Base64.getUrlEncoder().withoutPadding().encodeToString(value), HexFormat.of().formatHex(value),
                HexFormat.of().withUpperCase().formatHex(value), "Canary/7f3a9c");
    }

    private static Optional<String> found(List<String> forms, String text) {
        return forms.stream().filter(text::contains).findFirst();
    }

    private static String metrics() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(sslContext()).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + TestAppliance.get().adminPort() + "/observe/metrics")).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    private static javax.net.ssl.SSLContext sslContext() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestAppliance.get().tls().trustAnchor());
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLSv1.3");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** Every row of every table, as PostgreSQL renders it as text (bytea in hex). */
    private static List<String> databaseDump() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(TestAppliance.get().jdbcUrl(), "postgres", "");
             Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = statement.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
                while (names.next()) {
                    tables.add(names.getString(1));
                }
            }
            assertTrue(tables.containsAll(List.of("secret_version", "wrapped_key", "audit_log", "audit_checkpoint")), tables.toString());
            for (String table : tables) {
                try (ResultSet row = statement.executeQuery("SELECT t::text FROM \"" + table + "\" t")) {
                    while (row.next()) {
                        rows.add(table + ": " + row.getString(1));
                    }
                }
            }
        }
        return rows;
    }
}
