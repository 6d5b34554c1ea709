package ca.heroa.appliance.api;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Workspaces and tokens as a tenant admin and a workspace member use them. */
class WorkspaceAndTokenApiTest {
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        api = TestAppliance.client();
        admin = TestAppliance.adminToken();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void workspaceLifecycle() {
        String name = unique("lifecycle");
        String id = api.createWorkspace(admin, name);
        assertTrue(id.matches("ws_[0-9a-f]{32}"), id);
        assertEquals(name, api.get("/v1/workspaces/" + id, admin).json().get("name").asText());
        boolean listed = false;
        for (JsonNode workspace : api.get("/v1/workspaces", admin).json().get("workspaces")) {
            listed |= workspace.get("id").asText().equals(id);
        }
        assertTrue(listed, "a created workspace is listed");
        String renamed = unique("renamed");
        ApiClient.Response rename = api.patch("/v1/workspaces/" + id, admin, "{\"name\":\"" + renamed + "\"}");
        assertEquals(200, rename.status(), rename.body());
        assertEquals(renamed, api.get("/v1/workspaces/" + id, admin).json().get("name").asText());
        assertEquals(204, api.delete("/v1/workspaces/" + id, admin).status());
        assertEquals(404, api.get("/v1/workspaces/" + id, admin).status());
        assertEquals(404, api.delete("/v1/workspaces/" + id, admin).status(), "deleting twice is a 404");
    }

    @Test
    void duplicateNameIsConflictAndInvalidNameIsRejected() {
        String name = unique("dup");
        api.createWorkspace(admin, name);
        ApiClient.Response duplicate = api.post("/v1/workspaces", admin, "{\"name\":\"" + name + "\"}");
        assertEquals(409, duplicate.status());
        assertEquals("name_taken", duplicate.json().get("code").asText());
        ApiClient.Response invalid = api.post("/v1/workspaces", admin, "{\"name\":\" leading-space\"}");
        assertEquals(400, invalid.status());
        assertEquals("invalid_name", invalid.json().get("code").asText());
        ApiClient.Response missing = api.post("/v1/workspaces", admin, "{}");
        assertEquals("missing_field", missing.json().get("code").asText());
    }

    @Test
    void tokenIsShownOnceStoredOnlyAsKeyedHashAndListedWithoutValue() throws Exception {
        String workspace = api.createWorkspace(admin, unique("tokens"));
        JsonNode issued = api.createToken(admin, workspace, "ci", "workspace:read");
        String token = issued.get("token").asText();
        assertTrue(token.matches("heroa_wt_[0-9a-f]{24}_[A-Za-z0-9_-]{43}"), "recognisable prefix and 256-bit secret: " + token);
        assertEquals(200, api.get("/v1/workspaces/" + workspace, token).status());

        String listing = api.get("/v1/workspaces/" + workspace + "/tokens", admin).body();
        assertFalse(listing.contains(token.substring(34)), "a listing never contains a token value");
        assertTrue(listing.contains(issued.get("id").asText()));

        try (Connection connection = DriverManager.getConnection(TestAppliance.get().jdbcUrl(), "postgres", "");
             PreparedStatement select = connection.prepareStatement("SELECT * FROM api_token WHERE id = ?")) {
            select.setString(1, issued.get("id").asText());
            try (ResultSet row = select.executeQuery()) {
                assertTrue(row.next());
                for (int column = 1; column <= row.getMetaData().getColumnCount(); column++) {
                    Object value = row.getObject(column);
                    String text = value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) + new String(bytes) : String.valueOf(value);
                    assertFalse(text.contains(token.substring(34)), "column " + column + " holds the token value");
                }
                assertEquals(32, row.getBytes("token_hash").length, "HMAC-SHA-256 keyed hash");
            }
        }
        String audit = api.get("/v1/audit?workspace=" + workspace, admin).body();
        assertFalse(audit.contains(token.substring(34)), "the audit log never contains a token value");
    }

    @Test
    void unknownRevokedExpiredAndMalformedTokensGetTheSame401() throws Exception {
        String workspace = api.createWorkspace(admin, unique("revoke"));
        JsonNode issued = api.createToken(admin, workspace, "short-lived", "workspace:read");
        String token = issued.get("token").asText();
        assertEquals(200, api.get("/v1/workspaces/" + workspace, token).status(), "used, so cached");
        assertEquals(204, api.delete("/v1/workspaces/" + workspace + "/tokens/" + issued.get("id").asText(), admin).status());
        ApiClient.Response revoked = api.get("/v1/workspaces/" + workspace, token);

        JsonNode expiring = api.createToken(admin, workspace, "expiring", "workspace:read");
        try (Connection connection = DriverManager.getConnection(TestAppliance.get().jdbcUrl(), "postgres", "");
             PreparedStatement expire = connection.prepareStatement("UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = ?")) {
            expire.setString(1, expiring.get("id").asText());
            assertEquals(1, expire.executeUpdate());
        }
        ApiClient.Response expired = api.get("/v1/workspaces/" + workspace, expiring.get("token").asText());
        String forged = token.substring(0, token.length() - 4) + "AAAA";
        ApiClient.Response unknown = api.get("/v1/workspaces/" + workspace, forged);
        ApiClient.Response malformed = api.get("/v1/workspaces/" + workspace, "not-a-token");
        ApiClient.Response absent = api.send("GET", "/v1/workspaces/" + workspace, Optional.empty(), Optional.empty(), Map.of());
        for (ApiClient.Response response : new ApiClient.Response[] {revoked, expired, unknown, malformed, absent}) {
            assertEquals(401, response.status(), response.body());
            assertEquals("unauthenticated", response.json().get("code").asText());
            assertEquals("Bearer realm=\"heroa\"", response.header("WWW-Authenticate").orElseThrow(), "RFC 6750 challenge");
            assertEquals(revoked.json().get("detail").asText(), response.json().get("detail").asText());
        }
    }

    @Test
    void scopesAreEnforcedAndCannotBeEscalated() {
        String workspace = api.createWorkspace(admin, unique("scopes"));
        String reader = api.createToken(admin, workspace, "reader", "workspace:read").get("token").asText();
        String manager = api.createToken(admin, workspace, "manager", "tokens:manage").get("token").asText();

        assertEquals(403, api.get("/v1/workspaces/" + workspace + "/tokens", reader).status(), "workspace:read cannot list tokens");
        assertEquals(403, api.get("/v1/audit", reader).status(), "workspace:read cannot read the audit log");
        assertEquals(403, api.get("/v1/workspaces", reader).status(), "a workspace token cannot list workspaces");
        assertEquals(403, api.post("/v1/workspaces", reader, "{\"name\":\"" + unique("x") + "\"}").status());
        assertEquals(403, api.delete("/v1/workspaces/" + workspace, manager).status(), "only the tenant admin deletes workspaces");

        ApiClient.Response escalation = api.post("/v1/workspaces/" + workspace + "/tokens", manager,
                "{\"name\":\"sneaky\",\"scopes\":[\"audit:read\"]}");
        assertEquals(403, escalation.status());
        assertEquals("scope_not_grantable", escalation.json().get("code").asText());
        assertEquals(201, api.post("/v1/workspaces/" + workspace + "/tokens", manager,
                "{\"name\":\"peer\",\"scopes\":[\"tokens:manage\"]}").status());
        JsonNode stronger = api.createToken(admin, workspace, "stronger", "tokens:manage", "audit:read");
        ApiClient.Response revokeStronger = api.delete("/v1/workspaces/" + workspace + "/tokens/" + stronger.get("id").asText(), manager);
        assertEquals(403, revokeStronger.status(), "a member cannot revoke a token that holds more than it does");
        assertEquals(200, api.get("/v1/audit", stronger.get("token").asText()).status(), "the stronger token still works");
        ApiClient.Response badScope = api.post("/v1/workspaces/" + workspace + "/tokens", admin, "{\"name\":\"x\",\"scopes\":[\"root\"]}");
        assertEquals("invalid_scope", badScope.json().get("code").asText());
        ApiClient.Response badExpiry = api.post("/v1/workspaces/" + workspace + "/tokens", admin,
                "{\"name\":\"x\",\"scopes\":[\"workspace:read\"],\"expiresAt\":\"2020-01-01T00:00:00Z\"}");
        assertEquals("invalid_expiry", badExpiry.json().get("code").asText());
    }

    @Test
    void aRevocationMadeByAnotherProcessTakesEffectWithinTheCacheTimeToLive() throws Exception {
        String workspace = api.createWorkspace(admin, unique("elsewhere"));
        JsonNode issued = api.createToken(admin, workspace, "cached", "workspace:read");
        String token = issued.get("token").asText();
        assertEquals(200, api.get("/v1/workspaces/" + workspace, token).status(), "the token works and is now cached");
        try (Connection connection = DriverManager.getConnection(TestAppliance.get().jdbcUrl(), "postgres", "");
             PreparedStatement revoke = connection.prepareStatement("UPDATE api_token SET revoked_at = now() WHERE id = ?")) {
            revoke.setString(1, issued.get("id").asText());
            assertEquals(1, revoke.executeUpdate());
        }
        Thread.sleep(1_200); // the test appliance's heroa.auth.cache-ttl is PT1S
        assertEquals(401, api.get("/v1/workspaces/" + workspace, token).status(), "revoked elsewhere: refused once the TTL has passed");
    }

    @Test
    void aTokenCannotMintATokenThatOutlivesIt() {
        String workspace = api.createWorkspace(admin, unique("lifetime"));
        String parentExpiry = java.time.Instant.now().plus(java.time.Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        ApiClient.Response parent = api.post("/v1/workspaces/" + workspace + "/tokens", admin,
                "{\"name\":\"short\",\"scopes\":[\"tokens:manage\"],\"expiresAt\":\"" + parentExpiry + "\"}");
        assertEquals(201, parent.status(), parent.body());
        JsonNode child = api.createToken(parent.json().get("token").asText(), workspace, "child", "tokens:manage");
        assertEquals(java.time.Instant.parse(parentExpiry), java.time.Instant.parse(child.get("expiresAt").asText()),
                "the child's expiry is capped at its creator's");
    }

    @Test
    void deletingAWorkspaceInvalidatesItsTokens() {
        String workspace = api.createWorkspace(admin, unique("gone"));
        String token = api.createToken(admin, workspace, "t", "workspace:read").get("token").asText();
        assertEquals(200, api.get("/v1/workspaces/" + workspace, token).status(), "used, so cached");
        assertEquals(204, api.delete("/v1/workspaces/" + workspace, admin).status());
        assertEquals(401, api.get("/v1/workspaces/" + workspace, token).status());
    }
}
