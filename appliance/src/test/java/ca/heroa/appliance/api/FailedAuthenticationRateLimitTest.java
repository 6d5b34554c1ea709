package ca.heroa.appliance.api;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An attacker guessing tokens from one address is slowed down, even when it finally presents a valid token. */
class FailedAuthenticationRateLimitTest {
    @Test
    void failuresFromOneAddressAreLimitedAndAudited() throws Exception {
        // The test appliance allows 40 failures per minute per address; this test owns 127.0.0.77.
        ApiClient attacker = new ApiClient(TestAppliance.get().port(), TestAppliance.get().tls().trustAnchor(),
                Optional.of(InetAddress.getByName("127.0.0.77")), "TLSv1.3");
        String guess = "heroa_at_" + "0".repeat(24) + "_" + "A".repeat(43);
        for (int attempt = 0; attempt < 40; attempt++) {
            assertEquals(401, attacker.get("/v1/workspaces", guess).status(), "attempt " + attempt);
        }
        ApiClient.Response limited = attacker.get("/v1/workspaces", TestAppliance.adminToken());
        assertEquals(429, limited.status(), "over the limit even a valid token is refused: " + limited.body());
        assertEquals("rate_limited", limited.json().get("code").asText());
        int retryAfter = Integer.parseInt(limited.header("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 61, "Retry-After " + retryAfter);

        ApiClient.Response others = TestAppliance.client().get("/v1/workspaces", TestAppliance.adminToken());
        assertEquals(200, others.status(), "other addresses are not affected");

        ApiClient.Response audit = TestAppliance.client().send("GET", "/v1/audit?action=auth.failed&limit=500",
                Optional.of(TestAppliance.adminToken()), Optional.empty(), Map.of());
        long fromAttacker = 0;
        for (var entry : audit.json().get("entries")) {
            if (entry.get("sourceAddress").asText().equals("127.0.0.77")) {
                fromAttacker++;
                assertEquals("denied", entry.get("outcome").asText());
                assertEquals("token:tok_" + "0".repeat(24), entry.get("target").asText());
            }
        }
        assertEquals(40, fromAttacker, "every authentication failure is audited once");
    }
}
