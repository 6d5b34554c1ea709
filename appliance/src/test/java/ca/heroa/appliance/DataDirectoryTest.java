package ca.heroa.appliance;

import ca.heroa.appliance.testing.TestAppliance;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the first start creates, and that nothing in it is open to other local users. */
class DataDirectoryTest {
    private static Path dataDirectory() {
        return TestAppliance.get().tls().trustAnchorFile().orElseThrow().getParent().getParent();
    }

    @Test
    void firstStartCreatesEverythingItNeeds() {
        Path data = dataDirectory();
        for (String entry : new String[] {"postgres/PG_VERSION", "tls/ca.pem", "tls/server.pem"}) {
            assertTrue(Files.exists(data.resolve(entry)), entry + " is created on first start");
        }
        for (String key : new String[] {"keys", "tls/server-key.pem", "tls/ca-key.pem"}) {
            assertFalse(Files.exists(data.resolve(key)), key + ": no key of the appliance lies in a file (the HSM holds them)");
        }
    }

    @Test
    void aSecondApplianceOnALiveDataDirectoryIsRefusedAndTheFirstKeepsServing() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> Appliance.start(TestAppliance.config(dataDirectory(), java.util.Map.of())),
                "a second appliance on the same data directory must not start (it would stop the first one's PostgreSQL)");
        assertTrue(refused.getMessage().contains("another appliance"), refused.getMessage());
        assertEquals(200, TestAppliance.client().get("/v1/workspaces", TestAppliance.adminToken()).status(),
                "the running appliance and its database are untouched");
    }

    @Test
    void secretsAndTheDataDirectoryArePrivate() throws IOException {
        Path data = dataDirectory();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("tls"))));
    }

    @Test
    void postgresBinariesRunByRootAreNotWritableByOthers() throws IOException {
        try (Stream<Path> paths = Files.walk(dataDirectory().resolve("postgres-binaries"))) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                assertFalse(permissions.contains(PosixFilePermission.OTHERS_WRITE) || permissions.contains(PosixFilePermission.GROUP_WRITE),
                        path + " is writable by others: " + PosixFilePermissions.toString(permissions));
            }
        }
    }
}
