package ca.heroa.appliance.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What task tests share: the probe image (busybox plus {@code heroa-probe}, an attacker's tool compiled statically
 * from src/test/resources/probe), uploading it to a workspace through the API, defining templates and running tasks.
 */
public final class TaskFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static Path probeArchive;

    private TaskFixtures() {
    }

    /** A workspace, a token of it with every task scope, and the probe image uploaded to it. */
    public record Workspace(String id, String token, String image) {
    }

    public static Workspace workspace(ApiClient client, String name) {
        String id = client.createWorkspace(TestAppliance.adminToken(), name);
        String token = client.createToken(TestAppliance.adminToken(), id, "runner", "workspace:read", "images:write", "templates:write",
                "tasks:run", "state:write", "secrets:write", "audit:read").get("token").asText();
        return new Workspace(id, token, uploadImage(client, token, id, probeArchive()));
    }

    /** Uploads an OCI archive with its Content-Digest and returns the image digest. */
    public static String uploadImage(ApiClient client, String token, String workspace, Path archive) {
        try {
            byte[] bytes = Files.readAllBytes(archive);
            String digest = "sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes)) + ":";
            ApiClient.Response response = client.postBytes("/v1/workspaces/" + workspace + "/images", token, bytes, "application/x-tar",
                    Map.of("Content-Digest", digest));
            assertEquals(201, response.status(), "image upload: " + response.body());
            return response.json().get("digest").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A manifest running {@code command} in {@code image}, with the given secrets and resources (pairs of key, value). */
    public static ObjectNode manifest(String name, String image, List<String> command, List<String> secrets, Object... resources) {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("name", name);
        manifest.put("image", image);
        ArrayNode arguments = manifest.putArray("command");
        command.forEach(arguments::add);
        ArrayNode names = manifest.putArray("secrets");
        secrets.forEach(names::add);
        ObjectNode limits = manifest.putObject("resources");
        for (int i = 0; i + 1 < resources.length; i += 2) {
            limits.put((String) resources[i], ((Number) resources[i + 1]).longValue());
        }
        return manifest;
    }

    public static JsonNode defineTemplate(ApiClient client, Workspace workspace, ObjectNode manifest) {
        ApiClient.Response response = client.post("/v1/workspaces/" + workspace.id() + "/templates", workspace.token(), manifest.toString());
        assertEquals(201, response.status(), "template: " + response.body());
        return response.json();
    }

    /** Runs {@code template} and waits for it (up to {@code waitSeconds}); returns the task as the API shows it. */
    public static ApiClient.Response run(ApiClient client, Workspace workspace, String template, int waitSeconds, String... input) {
        ObjectNode body = JSON.createObjectNode();
        body.put("template", template);
        body.put("waitSeconds", waitSeconds);
        if (input.length > 0) {
            body.put("input", input[0]);
        }
        return client.post("/v1/workspaces/" + workspace.id() + "/tasks", workspace.token(), body.toString());
    }

    /** Runs {@code template} to its end and returns the finished task (fails the test if it did not end in time). */
    public static JsonNode runToEnd(ApiClient client, Workspace workspace, String template, String... input) {
        ApiClient.Response response = run(client, workspace, template, 120, input);
        assertEquals(200, response.status(), "a finished task: " + response.body());
        return response.json();
    }

    /** The probe image as an OCI archive, built once per JVM under target/. */
    public static synchronized Path probeArchive() {
        if (probeArchive != null) {
            return probeArchive;
        }
        TestPodman.socket();
        Prerequisites.requireCommand("gcc", "gcc libc6-dev");
        try {
            Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "probe-image-");
            Path rootfs = work.resolve("rootfs");
            Path archive = Path.of("target", "heroa-probe.oci.tar").toAbsolutePath();
            String script = String.join("\n",
                    "set -euo pipefail",
                    "mkdir -p " + rootfs + "/bin " + rootfs + "/tmp " + rootfs + "/etc " + rootfs + "/proc " + rootfs + "/sys " + rootfs + "/dev "
                            + rootfs + "/run",
                    "gcc -static -O2 -o " + rootfs + "/bin/heroa-probe " + REPOSITORY.resolve("appliance/src/test/resources/probe/heroa-probe.c"),
                    "cp /bin/busybox " + rootfs + "/bin/busybox",
                    "for applet in $(/bin/busybox --list); do [ \"$applet\" = busybox ] || ln -sf busybox " + rootfs + "/bin/$applet; done",
                    "printf 'root:x:0:0:root:/root:/bin/sh\\ntask:x:1000:1000:task:/tmp:/bin/sh\\n' > " + rootfs + "/etc/passwd",
                    "mkdir -p " + rootfs + "/home/task && chown 1000:1000 " + rootfs + "/home/task",
                    "tar --numeric-owner -C " + rootfs + " -cf " + work + "/rootfs.tar .",
                    "tag=localhost/heroa-probe:" + work.getFileName(),
                    "podman import --quiet --change 'ENV PATH=/bin' " + work + "/rootfs.tar $tag >/dev/null",
                    "podman save --quiet --format oci-archive -o " + archive + ".part $tag",
                    "podman rmi --force $tag >/dev/null 2>&1 || true",
                    "mv " + archive + ".part " + archive,
                    "rm -rf " + work);
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
            builder.environment().put("CONTAINERS_CONF", REPOSITORY.resolve("build/podman/containers.conf").toString());
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(3, TimeUnit.MINUTES) || process.exitValue() != 0) {
                fail("building the probe image failed:\n" + output);
            }
            probeArchive = archive;
            return archive;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
