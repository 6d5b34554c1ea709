package ca.heroa.appliance.testing;

import ca.heroa.appliance.Appliance;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One real appliance per test JVM: embedded PostgreSQL, generated TLS, free ports. Tests create uniquely named
 * workspaces, so they do not need a fresh appliance each.
 */
public final class TestAppliance {
    private static Appliance appliance;
    private static String adminToken;
    private static Path dataDirectory;

    private TestAppliance() {
    }

    public static synchronized Appliance get() {
        if (appliance == null) {
            Prerequisites.requireUnshareWhenRoot();
            try {
                dataDirectory = Files.createTempDirectory("heroa-test-");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            appliance = Appliance.start(config(dataDirectory, Map.of("heroa.auth.failure-limit", "40", "heroa.auth.cache-ttl", "PT1S",
                    "heroa.vault.max-secrets", "12", "heroa.vault.keep-versions", "3", "heroa.vault.max-value-bytes", "4096")));
            adminToken = appliance.firstAdminToken().orElseThrow().reveal();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                appliance.close();
                TestFiles.deleteRecursively(dataDirectory);
            }));
        }
        return appliance;
    }

    public static String adminToken() {
        get();
        return adminToken;
    }

    public static ApiClient client() {
        return new ApiClient(get().port(), get().tls().trustAnchor());
    }

    /** A {@code heroa} config node for a test appliance on {@code dataDirectory} with free ports. */
    public static Config config(Path dataDirectory, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("heroa.data-dir", dataDirectory.toString());
        values.put("heroa.server.host", "127.0.0.1");
        values.put("heroa.server.port", "0");
        values.put("heroa.server.admin-port", "0");
        values.putAll(TestCustody.hsmConfig());
        values.put("heroa.podman.socket", TestPodman.socket().toString());
        values.put("heroa.tasks.max-concurrent", "4");
        values.put("heroa.tasks.max-queued", "4");
        values.putAll(TestResidency.config());
        values.putAll(overrides);
        return Config.just(ConfigSources.create(values)).get("heroa");
    }
}
