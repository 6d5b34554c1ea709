package ca.heroa.appliance.custody;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.ApplianceProcess;
import ca.heroa.appliance.testing.Prerequisites;
import ca.heroa.appliance.testing.TestFiles;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The appliance as its own process, with its own SoftHSM2 token. The token's storage is taken away while it serves:
 * secret operations answer 503 hsm_unavailable (in the caller's language), nothing is written and nothing falls back to
 * software. The storage comes back: the same process serves again, without a restart. A wrong library path stops the
 * start with every path it tried.
 */
class HsmOutageTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern ADMIN_TOKEN = Pattern.compile("(heroa_at_[A-Za-z0-9_-]+)");

    @Test
    void secretOperationsFailClosedWhileTheHsmIsGoneAndRecoverWithoutARestart() throws Exception {
        Prerequisites.requireUnshareWhenRoot();
        Path data = Files.createTempDirectory("heroa-hsm-outage-");
        int port = ApplianceProcess.freePort();
        ProcessBuilder builder = ApplianceProcess.builder(data, "serve");
        builder.environment().put("HEROA_SERVER_HOST", "127.0.0.1");
        builder.environment().put("HEROA_SERVER_PORT", Integer.toString(port));
        builder.environment().put("HEROA_SERVER_ADMIN_dash_PORT", "0");
        builder.environment().put("HEROA_HSM_KEY_dash_CACHE_dash_TTL", "PT1S");
        builder.environment().put("HEROA_HSM_RECONNECT_dash_INTERVAL", "PT0.2S");
        Process appliance = builder.start();
        try {
            Matcher token = ADMIN_TOKEN.matcher(ApplianceProcess.awaitLine(appliance, "tenant-admin token", START_TIMEOUT));
            assertTrue(token.find());
            String admin = token.group(1);
            ApplianceProcess.awaitLine(appliance, "Ready", START_TIMEOUT);
            java.io.StringWriter log = ApplianceProcess.drain(appliance);
            ApiClient api = new ApiClient(port, ApplianceProcess.caCertificate(data));
            String workspace = api.createWorkspace(admin, "outage");
            String secret = "/v1/workspaces/" + workspace + "/secrets/db";
            assertEquals(201, api.putBytes(secret, admin, new byte[] {1}, "application/octet-stream").status());

            Path tokens = data.resolve("hsm").resolve("tokens");
            Path away = data.resolve("hsm").resolve("tokens.away");
            Files.move(tokens, away, StandardCopyOption.ATOMIC_MOVE);
            try {
                Thread.sleep(1500);
                for (int attempt = 0; attempt < 3; attempt++) {
                    ApiClient.Response refused = api.putBytes(secret, admin, new byte[] {2}, "application/octet-stream");
                    assertEquals(503, refused.status(), refused.body());
                    assertEquals("hsm_unavailable", refused.json().get("code").asText(), refused.body());
                }
                ApiClient.Response french = api.send("DELETE", secret, Optional.of(admin), Optional.empty(), Map.of("Accept-Language", "fr"));
                assertEquals(503, french.status(), french.body());
                assertEquals("Garde des clés indisponible", french.json().get("title").asText(), french.body());
            } finally {
                Files.move(away, tokens, StandardCopyOption.ATOMIC_MOVE);
            }
            ApiClient.Response recovered = null;
            Instant deadline = Instant.now().plusSeconds(20);
            while (Instant.now().isBefore(deadline)) {
                recovered = api.putBytes(secret, admin, new byte[] {3}, "application/octet-stream");
                if (recovered.status() != 503) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(201, recovered.status(), "the same process serves again once the HSM is back: " + recovered.body() + "\n" + log);
            assertEquals(2, recovered.json().get("version").asInt(), "nothing was written while the HSM was gone");
            assertTrue(appliance.isAlive(), "it never restarted");
        } finally {
            appliance.destroy();
            if (!appliance.waitFor(60, TimeUnit.SECONDS)) {
                appliance.destroyForcibly().waitFor();
            }
            TestFiles.deleteRecursively(data);
        }
    }

    @Test
    void aWrongLibraryPathStopsTheStartNamingWhatWasTried() throws Exception {
        Prerequisites.requireUnshareWhenRoot();
        Path data = Files.createTempDirectory("heroa-hsm-library-");
        try {
            ProcessBuilder builder = ApplianceProcess.builder(data, "serve");
            builder.environment().put("HEROA_SERVER_HOST", "127.0.0.1");
            builder.environment().put("HEROA_SERVER_PORT", "0");
            builder.environment().put("HEROA_SERVER_ADMIN_dash_PORT", "0");
            builder.environment().put("HEROA_HSM_LIBRARY", "/nonexistent/libvendor-pkcs11.so");
            Process appliance = builder.start();
            String output = new String(appliance.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(appliance.waitFor(90, TimeUnit.SECONDS));
            assertEquals(1, appliance.exitValue(), output);
            assertTrue(output.contains("No PKCS#11 library could be loaded") && output.contains("/nonexistent/libvendor-pkcs11.so (no such file)"),
                    output);
        } finally {
            TestFiles.deleteRecursively(data);
        }
    }
}
