package ca.heroa.appliance.vault;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The vault API: write-only values, versions, names, limits, scopes and bilingual errors. (Shared appliance: 12 secrets, 3 versions, 4 KiB.) */
class SecretApiTest {
    private static final String OCTETS = "application/octet-stream";
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        api = TestAppliance.client();
        admin = TestAppliance.adminToken();
    }

    private static String secrets(String workspace) {
        return "/v1/workspaces/" + workspace + "/secrets";
    }

    @Test
    void writesNewVersionsListsMetadataOnlyAndKeepsTheNewestVersions() {
        String workspace = api.createWorkspace(admin, "vault-versions");
        for (int version = 1; version <= 5; version++) {
            ApiClient.Response written = api.putBytes(secrets(workspace) + "/db-password", admin, ("value-" + version).getBytes(StandardCharsets.UTF_8), OCTETS);
            assertEquals(201, written.status(), written.body());
            assertEquals(version, written.json().get("version").asInt());
            assertTrue(written.json().get("createdBy").asText().startsWith("tenant-admin:"), written.body());
            assertFalse(written.body().contains("value-"), "the response never carries the value: " + written.body());
        }
        JsonNode versions = api.get(secrets(workspace) + "/db-password", admin).json();
        assertEquals(3, versions.get("versions").size(), "keep-versions is 3: " + versions);
        assertEquals(5, versions.get("versions").get(0).get("version").asInt(), "newest first");
        JsonNode list = api.get(secrets(workspace), admin).json();
        assertEquals(1, list.get("secrets").size());
        assertEquals(5, list.get("secrets").get(0).get("latestVersion").asInt());
        try (SecretValue value = TestAppliance.get().vault().reveal(new ca.heroa.appliance.workspace.WorkspaceId(workspace), new SecretName("db-password"))
                .orElseThrow()) {
            assertArrayEquals("value-5".getBytes(StandardCharsets.UTF_8), value.copy(), "delivery reads the newest version");
        }
        assertEquals(204, api.delete(secrets(workspace) + "/db-password", admin).status());
        assertEquals(404, api.get(secrets(workspace) + "/db-password", admin).status());
        assertEquals(404, api.delete(secrets(workspace) + "/db-password", admin).status());
        assertEquals(0, api.get(secrets(workspace), admin).json().get("secrets").size());
    }

    @Test
    void badNamesBodiesAndSizesAreClearBilingualErrors() {
        String workspace = api.createWorkspace(admin, "vault-errors");
        assertEquals(404, api.putBytes(secrets(workspace) + "/a%2Fb", admin, new byte[] {1}, OCTETS).status(), "a slash never names a secret");
        for (String name : new String[] {".hidden", "-dash", "x".repeat(129), "sp%20ace", "a:b"}) {
            ApiClient.Response refused = api.putBytes(secrets(workspace) + "/" + name, admin, new byte[] {1}, OCTETS);
            assertEquals(400, refused.status(), name + ": " + refused.body());
            assertEquals("invalid_secret_name", refused.json().get("code").asText());
        }
        ApiClient.Response french = api.send("PUT", secrets(workspace) + "/..", Optional.of(admin), Optional.of("x"),
                Map.of("Content-Type", OCTETS, "Accept-Language", "fr-CA"));
        assertTrue(french.status() == 400 || french.status() == 404, french.body());
        ApiClient.Response frenchName = api.send("PUT", secrets(workspace) + "/_x", Optional.of(admin), Optional.of("x"),
                Map.of("Content-Type", OCTETS, "Accept-Language", "fr-CA"));
        assertEquals("Nom de secret invalide", frenchName.json().get("title").asText(), frenchName.body());
        ApiClient.Response json = api.send("PUT", secrets(workspace) + "/ok", Optional.of(admin), Optional.of("{\"value\":\"x\"}"), Map.of());
        assertEquals(415, json.status(), json.body());
        assertEquals("secret_media_type", json.json().get("code").asText());
        ApiClient.Response empty = api.putBytes(secrets(workspace) + "/ok", admin, new byte[0], OCTETS);
        assertEquals(400, empty.status(), empty.body());
        assertEquals("empty_secret", empty.json().get("code").asText());
        ApiClient.Response large = api.putBytes(secrets(workspace) + "/ok", admin, new byte[4097], OCTETS);
        assertEquals(413, large.status(), large.body());
        assertTrue(large.json().get("detail").asText().contains("4096"), large.body());
        assertEquals(201, api.putBytes(secrets(workspace) + "/ok", admin, new byte[4096], OCTETS).status(), "exactly the limit is accepted");
        assertEquals(404, api.putBytes("/v1/workspaces/ws_" + "0".repeat(32) + "/secrets/ok", admin, new byte[] {1}, OCTETS).status());
    }

    @Test
    void aWorkspaceHoldsAtMostItsLimitOfSecretsButNewVersionsStillGoIn() {
        String workspace = api.createWorkspace(admin, "vault-limit");
        for (int i = 0; i < 12; i++) {
            assertEquals(201, api.putBytes(secrets(workspace) + "/s" + i, admin, new byte[] {1}, OCTETS).status());
        }
        ApiClient.Response full = api.putBytes(secrets(workspace) + "/one-more", admin, new byte[] {1}, OCTETS);
        assertEquals(409, full.status(), full.body());
        assertEquals("secret_limit", full.json().get("code").asText());
        assertEquals(201, api.putBytes(secrets(workspace) + "/s0", admin, new byte[] {2}, OCTETS).status(), "a new version of an existing one");
    }

    @Test
    void scopesGateWritesAndATokenOfAnotherWorkspaceSeesNothing() {
        String workspace = api.createWorkspace(admin, "vault-scopes");
        String other = api.createWorkspace(admin, "vault-scopes-other");
        String reader = api.post("/v1/workspaces/" + workspace + "/tokens", admin, "{\"name\":\"reader\",\"scopes\":[\"workspace:read\"]}")
                .json().get("token").asText();
        String writer = api.post("/v1/workspaces/" + workspace + "/tokens", admin, "{\"name\":\"writer\",\"scopes\":[\"secrets:write\"]}")
                .json().get("token").asText();
        assertEquals(403, api.putBytes(secrets(workspace) + "/k", reader, new byte[] {1}, OCTETS).status(), "workspace:read cannot write");
        ApiClient.Response written = api.putBytes(secrets(workspace) + "/k", writer, new byte[] {1}, OCTETS);
        assertEquals(201, written.status(), written.body());
        assertTrue(written.json().get("createdBy").asText().startsWith("workspace-token:"), written.body());
        assertEquals(200, api.get(secrets(workspace), reader).status());
        assertEquals(201, api.putBytes(secrets(other) + "/k", admin, new byte[] {1}, OCTETS).status());
        ApiClient.Response foreign = api.get(secrets(other) + "/k", writer);
        ApiClient.Response missing = api.get(secrets("ws_" + "1".repeat(32)) + "/k", writer);
        assertEquals(404, foreign.status());
        assertEquals(missing.json().get("code").asText(), foreign.json().get("code").asText(), "a foreign workspace looks like a missing one");
        assertEquals(404, api.putBytes(secrets(other) + "/k", writer, new byte[] {9}, OCTETS).status());
        assertEquals(1, api.get(secrets(other) + "/k", admin).json().get("versions").size(), "nothing was written in the other workspace");
    }
}
