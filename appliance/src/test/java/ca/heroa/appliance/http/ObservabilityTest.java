package ca.heroa.appliance.http;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health and Prometheus metrics on the admin socket only, over TLS 1.3. */
class ObservabilityTest {
    private static HttpResponse<String> get(int port, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(ApiClient.trusting(TestAppliance.get().tls().trustAnchor())).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReportsTheDatabaseOnTheAdminSocket() throws Exception {
        HttpResponse<String> health = get(TestAppliance.get().adminPort(), "/observe/health");
        assertEquals(200, health.statusCode(), health.body());
        assertTrue(health.body().contains("\"database\""), health.body());
        assertTrue(health.body().contains("\"UP\""), health.body());
    }

    @Test
    void metricsIncludeTheAuditWriterInPrometheusFormat() throws Exception {
        TestAppliance.client().createWorkspace(TestAppliance.adminToken(), "metrics-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        HttpResponse<String> metrics = get(TestAppliance.get().adminPort(), "/observe/metrics");
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("heroa_audit_entries_total"), "audit entries counter is exported");
        assertTrue(metrics.body().contains("heroa_audit_batch_size"), "audit batch size is exported");
    }

    @Test
    void observabilityIsNotOnThePublicSocket() throws Exception {
        HttpResponse<String> publicHealth = get(TestAppliance.get().port(), "/observe/health");
        assertEquals(404, publicHealth.statusCode(), "health is served on the admin socket only");
        HttpResponse<String> publicMetrics = get(TestAppliance.get().port(), "/observe/metrics");
        assertEquals(404, publicMetrics.statusCode(), "metrics are served on the admin socket only");
    }
}
