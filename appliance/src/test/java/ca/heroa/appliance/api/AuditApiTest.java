package ca.heroa.appliance.api;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** GET /v1/audit, and fail-closed mutations, through the real API. */
class AuditApiTest {
    private static ApiClient api;
    private static String admin;

    @BeforeAll
    static void start() {
        api = TestAppliance.client();
        admin = TestAppliance.adminToken();
    }

    @Test
    void everyMutationIsAuditedWithItsContext() {
        String workspace = api.createWorkspace(admin, "audited-" + UUID.randomUUID().toString().substring(0, 8));
        JsonNode token = api.createToken(admin, workspace, "reader", "audit:read", "workspace:read");
        api.patch("/v1/workspaces/" + workspace, admin, "{\"name\":\"audited-" + UUID.randomUUID().toString().substring(0, 8) + "\"}");
        JsonNode entries = api.get("/v1/audit?workspace=" + workspace, admin).json().get("entries");
        assertEquals(3, entries.size(), entries.toString());
        assertEquals("workspace.rename", entries.get(0).get("action").asText());
        assertEquals("token.create", entries.get(1).get("action").asText());
        assertEquals("workspace.create", entries.get(2).get("action").asText());
        for (JsonNode entry : entries) {
            assertTrue(entry.get("actor").asText().startsWith("tenant-admin:tok_"));
            assertEquals("success", entry.get("outcome").asText());
            assertTrue(entry.get("requestId").asText().startsWith("req_"));
            assertEquals("127.0.0.1", entry.get("sourceAddress").asText());
            assertTrue(entry.get("occurredAt").asText().endsWith("Z"), "UTC timestamps");
        }
        assertEquals(entries.get(1).get("entryHash"), entries.get(0).get("prevHash"), "entries are chained");

        String member = token.get("token").asText();
        JsonNode own = api.get("/v1/audit", member).json().get("entries");
        assertEquals(3, own.size(), "a workspace token reads its own workspace's entries only");
    }

    @Test
    void cursorPaginationWalksEverythingOnce() {
        Set<Long> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/v1/audit?limit=3" + (cursor == null ? "" : "&cursor=" + cursor), admin).json();
            long previous = Long.MAX_VALUE;
            for (JsonNode entry : page.get("entries")) {
                long sequence = entry.get("sequence").asLong();
                assertTrue(sequence < previous, "newest first");
                assertTrue(seen.add(sequence), "no entry twice");
                previous = sequence;
            }
            cursor = page.path("nextCursor").isMissingNode() ? null : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 1_000);
        assertTrue(seen.contains(1L), "the walk reaches the first entry");
        assertEquals("invalid_cursor", api.get("/v1/audit?cursor=bogus", admin).json().get("code").asText());
        assertEquals("invalid_parameter", api.get("/v1/audit?limit=0", admin).json().get("code").asText());
        ApiClient.Response farFuture = api.get("/v1/audit?since=%2B999999999-12-31T23:59:59-18:00", admin);
        assertEquals(400, farFuture.status(), "an extreme date is a 400, never a 500: " + farFuture.body());
        assertEquals("invalid_parameter", farFuture.json().get("code").asText());
    }

    @Test
    void aMutationWhoseAuditEntryCannotBeWrittenDoesNotHappen() throws Exception {
        String name = "fail-closed-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = DriverManager.getConnection(TestAppliance.get().jdbcUrl(), "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE OR REPLACE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ "
                    + "BEGIN RAISE EXCEPTION 'simulated audit storage failure'; END $$");
            statement.execute("CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()");
            try {
                ApiClient.Response response = api.post("/v1/workspaces", admin, "{\"name\":\"" + name + "\"}");
                assertEquals(503, response.status(), response.body());
                assertEquals("audit_unavailable", response.json().get("code").asText());
            } finally {
                statement.execute("DROP TRIGGER test_refuse_audit ON audit_log");
            }
        }
        for (JsonNode workspace : api.get("/v1/workspaces", admin).json().get("workspaces")) {
            assertFalse(workspace.get("name").asText().equals(name), "the refused workspace must not exist");
        }
        assertEquals(201, api.post("/v1/workspaces", admin, "{\"name\":\"" + name + "\"}").status(), "works again once audit works");
    }
}
