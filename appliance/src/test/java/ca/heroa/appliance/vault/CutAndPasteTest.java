package ca.heroa.appliance.vault;

import ca.heroa.appliance.barrier.BarrierIntegrityException;
import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.hsm.CustodyIntegrityException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Someone with write access to the database moves ciphertexts around: into another workspace's row, under another
 * name, into another version, or swaps whole wrapped data keys between workspaces. Each time the vault refuses with an
 * integrity error and returns nothing; the untouched original still opens.
 */
class CutAndPasteTest {
    private static final String OCTETS = "application/octet-stream";

    @Test
    void aMovedCiphertextOrWrappedKeyNeverDecrypts() throws Exception {
        ApiClient api = TestAppliance.client();
        String admin = TestAppliance.adminToken();
        String a = api.createWorkspace(admin, "paste-a");
        String b = api.createWorkspace(admin, "paste-b");
        put(api, admin, a, "db", "value of a/db v1");
        put(api, admin, a, "db", "value of a/db v2");
        put(api, admin, a, "other", "value of a/other");
        put(api, admin, b, "db", "value of b/db");
        Vault vault = TestAppliance.get().vault();
        WorkspaceId workspaceA = new WorkspaceId(a);
        WorkspaceId workspaceB = new WorkspaceId(b);
        try (Connection db = DriverManager.getConnection(TestAppliance.get().jdbcUrl(), "postgres", "")) {
            byte[] aDb2 = sealed(db, a, "db", 2);
            byte[] aDb1 = sealed(db, a, "db", 1);

            setSealed(db, b, "db", 1, aDb2);
            assertThrows(BarrierIntegrityException.class, () -> vault.reveal(workspaceB, new SecretName("db")), "another workspace's row");

            setSealed(db, a, "other", 1, aDb2);
            assertThrows(BarrierIntegrityException.class, () -> vault.reveal(workspaceA, new SecretName("other")), "another name");

            setSealed(db, a, "db", 2, aDb1);
            assertThrows(BarrierIntegrityException.class, () -> vault.reveal(workspaceA, new SecretName("db")), "another version");
            setSealed(db, a, "db", 2, aDb2);
            try (SecretValue value = vault.reveal(workspaceA, new SecretName("db")).orElseThrow()) {
                assertArrayEquals("value of a/db v2".getBytes(StandardCharsets.UTF_8), value.copy(), "the original still opens in place");
            }

            byte[] wrappedA = wrapped(db, a);
            try (PreparedStatement update = db.prepareStatement("UPDATE wrapped_key SET wrapped = ?, key_id = key_id WHERE owner = ?")) {
                update.setBytes(1, wrappedA);
                update.setString(2, "workspace:" + b);
                update.executeUpdate();
            }
            TestAppliance.get().keys().forget(workspaceB);
            setSealed(db, b, "db", 1, aDb2);
            assertThrows(CustodyIntegrityException.class, () -> vault.reveal(workspaceB, new SecretName("db")),
                    "a data key wrapped for workspace A does not unwrap as workspace B's");
        }
    }

    private static void put(ApiClient api, String admin, String workspace, String name, String value) {
        ApiClient.Response response = api.putBytes("/v1/workspaces/" + workspace + "/secrets/" + name, admin,
                value.getBytes(StandardCharsets.UTF_8), OCTETS);
        if (response.status() != 201) {
            throw new AssertionError(response.body());
        }
    }

    private static byte[] sealed(Connection db, String workspace, String name, int version) throws Exception {
        try (PreparedStatement select = db.prepareStatement("SELECT sealed FROM secret_version WHERE workspace_id = ? AND name = ? AND version = ?")) {
            select.setString(1, workspace);
            select.setString(2, name);
            select.setInt(3, version);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBytes(1);
            }
        }
    }

    private static void setSealed(Connection db, String workspace, String name, int version, byte[] sealed) throws Exception {
        try (PreparedStatement update = db.prepareStatement("UPDATE secret_version SET sealed = ? WHERE workspace_id = ? AND name = ? AND version = ?")) {
            update.setBytes(1, sealed);
            update.setString(2, workspace);
            update.setString(3, name);
            update.setInt(4, version);
            if (update.executeUpdate() != 1) {
                throw new AssertionError("no row " + workspace + "/" + name + "@" + version);
            }
        }
    }

    private static byte[] wrapped(Connection db, String workspace) throws Exception {
        try (PreparedStatement select = db.prepareStatement("SELECT wrapped FROM wrapped_key WHERE owner = ?")) {
            select.setString(1, "workspace:" + workspace);
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getBytes(1);
            }
        }
    }
}
