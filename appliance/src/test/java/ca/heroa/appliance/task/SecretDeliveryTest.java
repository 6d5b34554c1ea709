package ca.heroa.appliance.task;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.LogCapture;
import ca.heroa.appliance.testing.TaskFixtures;
import ca.heroa.appliance.testing.TestAppliance;
import ca.heroa.appliance.testing.TestPodman;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Promise 7, delivery: a secret reaches its task as a file in memory, readable by the task's user alone, and is
 * nowhere else: not in the container's definition, environment or command line, not in the appliance's logs or
 * audit, not in any file of Podman's storage once the task is over.
 */
class SecretDeliveryTest {
    private static final Path CONTAINERS_CONF = Path.of("..", "build", "podman", "containers.conf").toAbsolutePath().normalize();

    @Test
    void aCanarySecretReachesItsTaskAndNothingElse() throws Exception {
        ApiClient client = TestAppliance.client();
        TaskFixtures.Workspace workspace = TaskFixtures.workspace(client, "delivery-" + System.nanoTime());
        String canary = "heroa-canary-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Long.toString(System.nanoTime()).getBytes()));
        byte[] canaryBytes = canary.getBytes(StandardCharsets.US_ASCII);
        LogCapture logs = LogCapture.start();
        java.nio.file.attribute.FileTime testStart = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 2000);
        assertEquals(201, client.putBytes("/v1/workspaces/" + workspace.id() + "/secrets/api-key", workspace.token(), canaryBytes,
                "application/octet-stream").status());
        TaskFixtures.defineTemplate(client, workspace, TaskFixtures.manifest("uses-secret", workspace.image(), List.of("/bin/sh", "-c",
                "sha256sum /run/heroa/secrets/api-key | cut -c1-64; stat -c '%a %u' /run/heroa/secrets/api-key; mount | grep ' /run/heroa ';"
                        + " env | grep -c heroa-canary; sleep 4"), List.of("api-key")));

        ApiClient.Response accepted = TaskFixtures.run(client, workspace, "uses-secret", 0);
        assertEquals(202, accepted.status(), accepted.body());
        String taskId = accepted.json().get("id").asText();
        String container = "heroa-" + taskId;
        String inspect = awaitInspect(container);
        List<String> forms = forms(canaryBytes);
        assertAbsent(forms, inspect, "podman inspect of the running container");
        long pid = Long.parseLong(podman("container", "inspect", "--format", "{{.State.Pid}}", container).trim());
        for (Path file : List.of(Path.of("/proc", Long.toString(pid), "environ"), Path.of("/proc", Long.toString(pid), "cmdline"))) {
            assertAbsent(forms, new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1), file.toString());
        }

        JsonNode task = client.get("/v1/workspaces/" + workspace.id() + "/tasks/" + taskId + "?wait=60", workspace.token()).json();
        assertEquals("succeeded", task.get("status").asText(), task.toString());
        String stdout = task.get("output").get("stdout").asText();
        String[] lines = stdout.split("\n");
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canaryBytes)), lines[0],
                "the task reads exactly the stored value:\n" + stdout);
        assertEquals("400 1000", lines[1], "readable by the task's user alone:\n" + stdout);
        assertTrue(lines[2].contains("tmpfs") && lines[2].contains("ro"), "delivered on a read-only tmpfs mount:\n" + stdout);
        assertEquals("0", lines[3].trim(), "not in the environment:\n" + stdout);

        logs.close();
        assertAbsent(forms, String.join("\n", logs.lines()), "the appliance's logs");
        assertAbsent(forms, client.get("/v1/audit?workspace=" + workspace.id() + "&limit=1000", TestAppliance.adminToken()).body(), "the audit log");
        assertAbsent(forms, task.toString(), "the task's API view");
        assertFalse(Files.exists(TestAppliance.get().taskRuntimeDirectory().resolve(taskId)), "the task's tmpfs directory is removed");
        Path storage = Path.of(podman("info", "--format", "{{.Store.GraphRoot}}").trim());
        Optional<Path> leak = firstFileContaining(storage, forms, testStart);
        assertTrue(leak.isEmpty(), "the canary must be in no file under Podman's storage " + storage + ", found in " + leak.orElse(null));
    }

    private static String awaitInspect(String container) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String state = podmanOrEmpty("container", "inspect", "--format", "{{.State.Status}}", container).trim();
            if (state.equals("running")) {
                return podman("container", "inspect", container);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the task's container never ran: " + container);
    }

    private static List<String> forms(byte[] value) {
        String text = new String(value, StandardCharsets.US_ASCII);
        return List.of(text, Base64.getEncoder().encodeToString(value), Base64.getUrlEncoder().withoutPadding().encodeToString(value),
                HexFormat.of().formatHex(value), HexFormat.of().withUpperCase().formatHex(value));
    }

    private static void assertAbsent(List<String> forms, String text, String where) {
        forms.stream().filter(text::contains).findFirst().ifPresent(form -> fail("the canary appears in " + where + " (as " + form.length() + " chars)"));
    }

    /** Files written since {@code since} (the canary did not exist before): older files cannot hold it. */
    private static Optional<Path> firstFileContaining(Path root, List<String> forms, java.nio.file.attribute.FileTime since) throws IOException {
        List<byte[]> needles = forms.stream().map(form -> form.getBytes(StandardCharsets.US_ASCII)).toList();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(file -> {
                try {
                    if (Files.size(file) > 256L * 1024 * 1024 || Files.getLastModifiedTime(file).compareTo(since) < 0) {
                        return false;
                    }
                    byte[] content = Files.readAllBytes(file);
                    return needles.stream().anyMatch(needle -> indexOf(content, needle) >= 0);
                } catch (IOException e) {
                    return false;
                }
            }).findFirst();
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String podman(String... arguments) throws Exception {
        String output = podmanOrEmpty(arguments);
        if (output.isEmpty()) {
            throw new AssertionError("podman " + String.join(" ", arguments) + " printed nothing");
        }
        return output;
    }

    private static String podmanOrEmpty(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("podman", "--url", "unix://" + TestPodman.socket()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("CONTAINERS_CONF", CONTAINERS_CONF.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return process.exitValue() == 0 ? output : "";
    }
}
