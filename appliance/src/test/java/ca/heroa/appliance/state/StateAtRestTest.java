package ca.heroa.appliance.state;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.workspace.WorkspaceId;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behind the API: PostgreSQL holds only ciphertext of values, a ciphertext moved to another key, version or workspace
 * does not open, every change has its audit entry (and none happens without one), and deleting a workspace deletes
 * its state.
 */
class StateAtRestTest {
    private static final String ADMIN = "admin";
    private static StateHarness harness;

    @BeforeAll
    static void start() {
        harness = new StateHarness(new StateSettings(64 * 1024, 100));
        harness.principals.put(ADMIN, new Principal.TenantAdmin("tok_admin"));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static String state(WorkspaceId workspace) {
        return "/v1/workspaces/" + workspace + "/state";
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(harness.database.jdbcUrl(), "postgres", "");
    }

    @Test
    void storageHoldsNoValueInClear() throws Exception {
        WorkspaceId workspace = harness.workspace("canary");
        String canary = "canary-" + UUID.randomUUID();
        byte[] value = ("{\"checkpoint\":\"" + canary + "\"}").repeat(50).getBytes(StandardCharsets.UTF_8);
        assertEquals(201, harness.put(state(workspace) + "/agents/canary", ADMIN, value, Map.of("Content-Type", "application/json")).status());
        assertArrayEquals(value, harness.get(state(workspace) + "/agents/canary", ADMIN, Map.of()).body(), "the value opens through the API");
        byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
        try (Connection db = connect()) {
            for (String table : List.of("state_object", "audit_log")) {
                int rows = 0;
                try (Statement select = db.createStatement(); ResultSet row = select.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData columns = row.getMetaData();
                    while (row.next()) {
                        rows++;
                        for (int column = 1; column <= columns.getColumnCount(); column++) {
                            byte[] cell = row.getBytes(column);
                            assertFalse(cell != null && indexOf(cell, needle) >= 0,
                                    table + "." + columns.getColumnName(column) + " holds the value in clear");
                        }
                    }
                }
                assertTrue(rows > 0, table + " was dumped");
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void aCiphertextMovedToAnotherKeyVersionOrWorkspaceDoesNotOpen() throws Exception {
        WorkspaceId a = harness.workspace("paste-a");
        WorkspaceId b = harness.workspace("paste-b");
        byte[] secretPlan = "A's plan".getBytes(StandardCharsets.UTF_8);
        assertEquals(201, harness.put(state(a) + "/plan", ADMIN, secretPlan, Map.of()).status());
        assertEquals(201, harness.put(state(a) + "/other", ADMIN, "A's other".getBytes(StandardCharsets.UTF_8), Map.of()).status());
        assertEquals(201, harness.put(state(b) + "/plan", ADMIN, "B's plan".getBytes(StandardCharsets.UTF_8), Map.of()).status());
        try (Connection db = connect()) {
            copyRow(db, a, "plan", a, "other");
            assertIntegrityFailure(state(a) + "/other", "the row of another key, copied whole");
            copyRow(db, a, "plan", b, "plan");
            assertIntegrityFailure(state(b) + "/plan", "the row of another workspace, copied whole");
            try (PreparedStatement bump = db.prepareStatement("UPDATE state_object SET version = version + 1 WHERE workspace_id = ? AND key = 'plan'")) {
                bump.setString(1, a.value());
                bump.executeUpdate();
            }
            assertIntegrityFailure(state(a) + "/plan", "the same ciphertext claimed as another version");
            try (PreparedStatement restore = db.prepareStatement("UPDATE state_object SET version = version - 1 WHERE workspace_id = ? AND key = 'plan'")) {
                restore.setString(1, a.value());
                restore.executeUpdate();
            }
            assertArrayEquals(secretPlan, harness.get(state(a) + "/plan", ADMIN, Map.of()).body(), "the original still opens in place");
        }
    }

    /** Copies every column of one row over another, as someone with write access to the database could. */
    private static void copyRow(Connection db, WorkspaceId fromWorkspace, String fromKey, WorkspaceId toWorkspace, String toKey) throws SQLException {
        try (PreparedStatement copy = db.prepareStatement("""
                UPDATE state_object t SET sealed = f.sealed, version = f.version, etag = f.etag, size = f.size, content_type = f.content_type,
                       updated_at = f.updated_at, updated_by = f.updated_by
                FROM state_object f WHERE f.workspace_id = ? AND f.key = ? AND t.workspace_id = ? AND t.key = ?""")) {
            copy.setString(1, fromWorkspace.value());
            copy.setString(2, fromKey);
            copy.setString(3, toWorkspace.value());
            copy.setString(4, toKey);
            assertEquals(1, copy.executeUpdate());
        }
    }

    private static void assertIntegrityFailure(String path, String what) {
        StateHarness.Response response = harness.get(path, ADMIN, Map.of());
        assertEquals(500, response.status(), what + ": " + response.text());
        assertEquals("integrity_failure", response.code(), what);
        assertFalse(response.text().contains("plan"), what + ": nothing of the value in the answer: " + response.text());
    }

    @Test
    void everyChangeIsAuditedWithoutItsValueAndNoChangeHappensWithoutItsEntry() throws Exception {
        WorkspaceId workspace = harness.workspace("audited");
        String value = "audit-canary-" + UUID.randomUUID();
        assertEquals(201, harness.put(state(workspace) + "/notes/a", ADMIN, value.getBytes(StandardCharsets.UTF_8), Map.of()).status());
        assertEquals(200, harness.put(state(workspace) + "/notes/a", ADMIN, (value + "!").getBytes(StandardCharsets.UTF_8), Map.of()).status());
        assertEquals(412, harness.put(state(workspace) + "/notes/a", ADMIN, new byte[] {1}, Map.of("If-None-Match", "*")).status());
        assertEquals(204, harness.delete(state(workspace) + "/notes/a", ADMIN, Map.of()).status());
        List<JsonNode> entries = auditEntries(workspace);
        assertEquals(List.of("state.put 1", "state.put 2", "state.delete 2"), entries.stream()
                .map(entry -> entry.get("action").asText() + " " + entry.get("details").get("version").asText()).toList(),
                "one entry per change, none for the refused write: " + entries);
        for (JsonNode entry : entries) {
            assertEquals("state:notes/a", entry.get("target").asText());
            assertEquals("tenant-admin:tok_admin", entry.get("actor").asText());
            assertEquals("notes/a", entry.get("details").get("key").asText());
            assertTrue(entry.get("details").has("size"), entry.toString());
            assertFalse(entry.toString().contains("audit-canary"), "the value is never audited: " + entry);
        }
        assertEquals(String.valueOf(value.length() + 1), entries.get(1).get("details").get("size").asText());

        try (Connection db = connect(); Statement ddl = db.createStatement()) {
            // The audit log refuses exactly these entries, so the changes they belong to must not happen.
            ddl.execute("ALTER TABLE audit_log ADD CONSTRAINT refuse_for_test CHECK (target NOT IN ('state:refused', 'state:kept')) NOT VALID");
            try {
                StateHarness.Response refused = harness.put(state(workspace) + "/refused", ADMIN, new byte[] {1}, Map.of());
                assertEquals(503, refused.status(), refused.text());
                assertEquals("audit_unavailable", refused.code());
                assertEquals(404, harness.get(state(workspace) + "/refused", ADMIN, Map.of()).status(), "no entry, no write");
                ddl.execute("ALTER TABLE audit_log DROP CONSTRAINT refuse_for_test");
                assertEquals(201, harness.put(state(workspace) + "/kept", ADMIN, new byte[] {7}, Map.of()).status());
                ddl.execute("ALTER TABLE audit_log ADD CONSTRAINT refuse_for_test CHECK (target NOT IN ('state:refused', 'state:kept')) NOT VALID");
                assertEquals(503, harness.delete(state(workspace) + "/kept", ADMIN, Map.of()).status());
                assertArrayEquals(new byte[] {7}, harness.get(state(workspace) + "/kept", ADMIN, Map.of()).body(), "no entry, no deletion");
            } finally {
                ddl.execute("ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS refuse_for_test");
            }
        }
    }

    private static List<JsonNode> auditEntries(WorkspaceId workspace) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> entries = new ArrayList<>();
        try (Connection db = connect(); PreparedStatement select = db.prepareStatement(
                "SELECT action, target, actor, details FROM audit_log WHERE workspace_id = ? AND action LIKE 'state.%' ORDER BY seq")) {
            select.setString(1, workspace.value());
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    entries.add(mapper.createObjectNode().put("action", row.getString("action")).put("target", row.getString("target"))
                            .put("actor", row.getString("actor")).set("details", mapper.readTree(row.getString("details"))));
                }
            }
        }
        return entries;
    }

    @Test
    void deletingAWorkspaceDeletesItsState() throws Exception {
        WorkspaceId doomed = harness.workspace("doomed");
        WorkspaceId kept = harness.workspace("kept");
        for (int i = 0; i < 3; i++) {
            assertEquals(201, harness.put(state(doomed) + "/k" + i, ADMIN, new byte[] {1}, Map.of()).status());
        }
        assertEquals(201, harness.put(state(kept) + "/k0", ADMIN, new byte[] {2}, Map.of()).status());
        assertTrue(harness.workspaces.delete(doomed, AuditEvent.success(AuditEvent.Context.system(), Optional.of(doomed.value()), "workspace.delete",
                "workspace:" + doomed, Map.of())));
        harness.keys.forget(doomed);
        assertEquals(0, rows(doomed), "the workspace's state rows went with it");
        assertEquals(1, rows(kept), "another workspace keeps its state");
        assertEquals(404, harness.get(state(doomed) + "/k0", ADMIN, Map.of()).status());
        assertArrayEquals(new byte[] {2}, harness.get(state(kept) + "/k0", ADMIN, Map.of()).body());
    }

    private static int rows(WorkspaceId workspace) throws SQLException {
        try (Connection db = connect(); PreparedStatement count = db.prepareStatement("SELECT count(*) FROM state_object WHERE workspace_id = ?")) {
            count.setString(1, workspace.value());
            try (ResultSet row = count.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }
}
