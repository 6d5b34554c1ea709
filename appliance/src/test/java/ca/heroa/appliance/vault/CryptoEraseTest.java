package ca.heroa.appliance.vault;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.hsm.CustodyIntegrityException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deleting a workspace destroys its data key, audited with a destruction record. An attacker who copied the
 * workspace's rows beforehand (a backup, direct database access) and puts them back afterwards still cannot read a
 * secret: the key-encryption key that wrapped the data key no longer exists in the HSM.
 */
class CryptoEraseTest {

    @Test
    void deletionMakesSecretsUnrecoverableEvenFromACopyOfTheDatabase() throws Exception {
        ApiClient api = TestAppliance.client();
        String admin = TestAppliance.adminToken();
        String workspace = api.createWorkspace(admin, "erase-me");
        String survivor = api.createWorkspace(admin, "erase-survivor");
        for (String ws : new String[] {workspace, survivor}) {
            assertEquals(201, api.putBytes("/v1/workspaces/" + ws + "/secrets/api-key", admin,
                    ("secret of " + ws).getBytes(StandardCharsets.UTF_8), "application/octet-stream").status());
        }
        Vault vault = TestAppliance.get().vault();
        String keyEncryptionKeyBefore = TestAppliance.get().keys().custody().currentKeyEncryptionKey();
        try (Connection db = DriverManager.getConnection(TestAppliance.get().jdbcUrl(), "postgres", "")) {
            Backup backup = Backup.take(db, workspace);

            assertEquals(204, api.delete("/v1/workspaces/" + workspace, admin).status());

            assertEquals(0, count(db, "SELECT count(*) FROM wrapped_key WHERE owner = 'workspace:" + workspace + "'"), "the data key row is gone");
            assertEquals(0, count(db, "SELECT count(*) FROM secret_version WHERE workspace_id = '" + workspace + "'"), "the ciphertexts are gone");
            JsonNode entries = api.get("/v1/audit?workspace=" + workspace, admin).json().get("entries");
            JsonNode destruction = null;
            for (JsonNode entry : entries) {
                if (entry.get("action").asText().equals("workspace-key.destroy")) {
                    destruction = entry;
                }
            }
            assertTrue(destruction != null, "a destruction record is audited: " + entries);
            assertEquals("key:" + backup.keyId(), destruction.get("target").asText());
            String keyEncryptionKeyAfter = TestAppliance.get().keys().custody().currentKeyEncryptionKey();
            assertNotEquals(keyEncryptionKeyBefore, keyEncryptionKeyAfter, "the key-encryption key was rotated around the deletion");
            assertTrue(TestAppliance.get().keys().custody().inventory().stream().noneMatch(key -> key.label().equals(backup.wrappedBy())),
                    "the key-encryption key that wrapped the erased data key is destroyed in the HSM");

            backup.restore(db);
            assertThrows(CustodyIntegrityException.class, () -> vault.reveal(new WorkspaceId(workspace), new SecretName("api-key")),
                    "restored rows do not decrypt: their data key cannot be unwrapped any more");
        }
        try (SecretValue other = vault.reveal(new WorkspaceId(survivor), new SecretName("api-key")).orElseThrow()) {
            assertArrayEquals(("secret of " + survivor).getBytes(StandardCharsets.UTF_8), other.copy(),
                    "the other workspace's key was rewrapped under the new key-encryption key and still works");
        }
    }

    /** The rows an attacker with database access copies before the deletion. */
    private record Backup(String workspace, String keyId, String wrappedBy, byte[] wrapped, byte[] sealed) {
        static Backup take(Connection db, String workspace) throws Exception {
            try (PreparedStatement key = db.prepareStatement("SELECT key_id, wrapped_by, wrapped FROM wrapped_key WHERE owner = ?");
                 PreparedStatement secret = db.prepareStatement("SELECT sealed FROM secret_version WHERE workspace_id = ? AND name = 'api-key'")) {
                key.setString(1, "workspace:" + workspace);
                secret.setString(1, workspace);
                try (ResultSet keyRow = key.executeQuery(); ResultSet secretRow = secret.executeQuery()) {
                    keyRow.next();
                    secretRow.next();
                    return new Backup(workspace, keyRow.getString(1), keyRow.getString(2), keyRow.getBytes(3), secretRow.getBytes(1));
                }
            }
        }

        void restore(Connection db) throws Exception {
            try (PreparedStatement ws = db.prepareStatement("INSERT INTO workspace (id, name, created_at) VALUES (?, ?, now())");
                 PreparedStatement key = db.prepareStatement("INSERT INTO wrapped_key (owner, workspace_id, key_id, wrapped_by, wrapped, created_at) "
                         + "VALUES (?, ?, ?, ?, ?, now())");
                 PreparedStatement secret = db.prepareStatement("INSERT INTO secret_version (workspace_id, name, version, sealed, created_at, created_by) "
                         + "VALUES (?, 'api-key', 1, ?, now(), 'restored')")) {
                ws.setString(1, workspace);
                ws.setString(2, "restored-" + Instant.now().toEpochMilli());
                ws.executeUpdate();
                key.setString(1, "workspace:" + workspace);
                key.setString(2, workspace);
                key.setString(3, keyId);
                key.setString(4, wrappedBy);
                key.setBytes(5, wrapped);
                key.executeUpdate();
                secret.setString(1, workspace);
                secret.setBytes(2, sealed);
                secret.executeUpdate();
            }
        }
    }

    private static long count(Connection db, String sql) throws Exception {
        try (ResultSet row = db.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
