package ca.heroa.appliance.podman;

import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.testing.TestPodman;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The libpod client against a real Podman service: what a container gets is checked in Podman's own inspect output. */
class LibpodClientTest {
    private static final String IDS_FROM = "containers-test";
    private static PodmanClient podman;
    private static ImageDigest image;
    private static final List<ContainerId> CREATED = new ArrayList<>();

    @BeforeAll
    static void loadBaseImage() {
        podman = TestPodman.client();
        image = TestPodman.loadBaseImage();
    }

    @AfterAll
    static void removeEverything() {
        CREATED.forEach(podman::removeContainer);
        // Only this JVM's containers carry its label; anything left behind by a failed test goes too.
        podman.listContainers(TestPodman.LABEL).stream()
                .filter(container -> TestPodman.label().equals(container.labels().get(TestPodman.LABEL)))
                .forEach(container -> podman.removeContainer(container.id()));
        podman.removeImage(image);
    }

    private static ContainerSpec spec(String... command) {
        return new ContainerSpec("heroa-test-" + UUID.randomUUID(), image, List.of(command), Map.of("GREETING", "bonjour"),
                Map.of(TestPodman.LABEL, TestPodman.label(), "heroa.test-case", IDS_FROM), "1000:1000",
                List.of(new TmpfsMount("/tmp", 16L * 1024 * 1024, 4096, "1777")), List.of(), 64L * 1024 * 1024, 500, 64,
                1024 * 1024, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    private static ContainerId create(ContainerSpec spec) {
        ContainerId id = podman.createContainer(spec);
        CREATED.add(id);
        return id;
    }

    @Test
    void reportsItsVersion() {
        PodmanVersion version = podman.version();
        assertTrue(version.version().startsWith("4.") || version.version().startsWith("5."), "Podman version " + version);
        assertFalse(version.apiVersion().isEmpty(), "API version");
    }

    @Test
    void loadedImageIsInStorageWithItsName() {
        ImageInfo info = podman.inspectImage(image).orElseThrow(() -> new AssertionError("the loaded base image is not in storage"));
        assertEquals(image, info.id());
        assertTrue(info.sizeBytes() > 100_000, "size " + info.sizeBytes());
        assertTrue(info.names().contains("localhost/heroa-base:1"), "names " + info.names());
        assertEquals(Optional.empty(), podman.inspectImage(new ImageDigest("sha256:" + "0".repeat(64))));
        podman.removeImage(new ImageDigest("sha256:" + "0".repeat(64)));
    }

    @Test
    void anArchiveThatIsNoImageIsRefusedAsSuch(@org.junit.jupiter.api.io.TempDir Path directory) throws IOException {
        Path garbage = java.nio.file.Files.writeString(directory.resolve("garbage.tar"), "not an image");
        InvalidImageArchiveException refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidImageArchiveException.class,
                () -> podman.loadImage(garbage));
        assertTrue(refused.loaded().isEmpty());
    }

    @Test
    void everyContainerIsIsolatedWhateverTheSpecSays() throws IOException {
        ContainerId id = create(spec("/bin/true"));
        ContainerInfo info = podman.inspectContainer(id);
        assertEquals("created", info.state());
        assertEquals(Optional.empty(), info.exitCode());
        assertNotEquals(0, info.hostUidOfContainerRoot(), "root inside must not be root outside (user namespace)");
        assertNotEquals(0, info.hostGidOfContainerRoot(), "group 0 inside must not be group 0 outside");
        assertEquals(TestPodman.label(), info.labels().get(TestPodman.LABEL));

        JsonNode inspect = podmanInspect(id);
        JsonNode host = inspect.path("HostConfig");
        assertTrue(host.path("IDMappings").path("UidMap").get(0).asText().startsWith("0:" + info.hostUidOfContainerRoot() + ":"),
                "uid map " + host.path("IDMappings"));
        List<String> dropped = new ArrayList<>();
        host.path("CapDrop").forEach(capability -> dropped.add(capability.asText()));
        assertTrue(dropped.containsAll(List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_SETUID", "CAP_SETGID", "CAP_NET_RAW", "CAP_SYS_CHROOT")),
                "dropped " + dropped);
        assertEquals(0, host.path("CapAdd").size(), "added capabilities " + host.path("CapAdd"));
        assertFalse(host.path("Privileged").asBoolean());
        List<String> security = new ArrayList<>();
        host.path("SecurityOpt").forEach(option -> security.add(option.asText()));
        assertTrue(security.contains("no-new-privileges"), "security options " + security);
        assertTrue(security.stream().noneMatch(option -> option.startsWith("seccomp")), "seccomp must stay the default profile: " + security);
        assertTrue(host.path("ReadonlyRootfs").asBoolean(), "read-only root");
        assertEquals("none", host.path("NetworkMode").asText());
        assertEquals("private", host.path("PidMode").asText());
        assertEquals("private", host.path("UTSMode").asText());
        assertNotEquals("host", host.path("IpcMode").asText());
        assertEquals(64, host.path("PidsLimit").asLong());
        assertEquals(64L * 1024 * 1024, host.path("Memory").asLong());
        assertEquals(64L * 1024 * 1024, host.path("MemorySwap").asLong(), "no swap on top of memory");
        assertEquals(50_000, host.path("CpuQuota").asLong());
        assertEquals(100_000, host.path("CpuPeriod").asLong());
        assertEquals(1024 * 1024, host.path("ShmSize").asLong());
        assertEquals(0, host.path("Devices").size(), "devices " + host.path("Devices"));
        assertEquals(0, host.path("Binds").size(), "binds " + host.path("Binds"));
        assertEquals("no", host.path("RestartPolicy").path("Name").asText());
        assertFalse(host.path("AutoRemove").asBoolean());
        String tmpfs = host.path("Tmpfs").path("/tmp").asText();
        assertTrue(List.of(tmpfs.split(",")).containsAll(List.of("size=16777216", "nosuid", "nodev", "mode=1777")), "tmpfs options " + tmpfs);
        assertEquals(1, host.path("Tmpfs").size(), "only the spec's tmpfs (no automatic read-only tmpfs): " + host.path("Tmpfs"));
        assertFalse(inspect.path("Config").path("OpenStdin").asBoolean());
        assertFalse(inspect.path("Config").path("Tty").asBoolean());
        assertEquals("1000:1000", inspect.path("Config").path("User").asText());
        assertEquals("/bin/true", inspect.path("Path").asText(), "the spec's command, not the image's");
    }

    @Test
    void insideTheContainerThereIsNoPrivilege() {
        ContainerId id = create(spec("/bin/sh", "-c", "id -u; grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status; mount; "
                + "cat /proc/self/uid_map; touch /not-allowed 2>/dev/null && echo rootfs-writable; touch /tmp/ok && echo tmp-writable"));
        podman.startContainer(id);
        assertEquals(Optional.of(0), podman.waitForExit(id, Duration.ofSeconds(30)));
        String out = new String(podman.logs(id, 64 * 1024).stdout(), StandardCharsets.UTF_8);
        assertTrue(out.startsWith("1000\n"), out);
        assertTrue(out.contains("CapEff:\t0000000000000000"), out);
        assertTrue(out.contains("CapBnd:\t0000000000000000"), out);
        assertTrue(out.contains("NoNewPrivs:\t1"), out);
        assertTrue(out.contains("Seccomp:\t2"), "seccomp filtering: " + out);
        assertFalse(out.contains("rootfs-writable"), out);
        assertTrue(out.contains("tmp-writable"), out);
        assertTrue(out.contains("tmpfs on /tmp type tmpfs (rw,nosuid,nodev"), out);
        assertFalse(out.contains(" on /run type tmpfs") || out.contains(" on /var/tmp type tmpfs"), "no automatic tmpfs: " + out);
        assertFalse(out.contains("         0          0"), "no identity user mapping: " + out);
    }

    @Test
    void runsWaitsAndSplitsCappedLogs() {
        ContainerId id = create(spec("/bin/sh", "-c", "echo \"out $GREETING\"; echo err >&2; i=0; while [ $i -lt 300 ]; do echo 0123456789; "
                + "i=$((i+1)); done >&2; exit 7"));
        podman.startContainer(id);
        assertEquals(Optional.of(7), podman.waitForExit(id, Duration.ofSeconds(30)));
        ContainerInfo info = podman.inspectContainer(id);
        assertEquals(Optional.of(7), info.exitCode());
        assertFalse(info.oomKilled());

        ContainerLogs logs = podman.logs(id, 1000);
        assertEquals("out bonjour\n", new String(logs.stdout(), StandardCharsets.UTF_8));
        assertFalse(logs.stdoutTruncated());
        assertEquals(1000, logs.stderr().length);
        assertTrue(logs.stderrTruncated());
        assertTrue(new String(logs.stderr(), StandardCharsets.UTF_8).startsWith("err\n0123456789\n"));

        podman.killContainer(id);
        podman.removeContainer(id);
        podman.removeContainer(id);
        assertEquals(404, org.junit.jupiter.api.Assertions.assertThrows(PodmanException.class, () -> podman.inspectContainer(id)).status());
    }

    @Test
    void waitTimesOutOnARunningContainerWhichKillStops() {
        ContainerId id = create(spec("/bin/sleep", "60"));
        podman.startContainer(id);
        long started = System.nanoTime();
        assertEquals(Optional.empty(), podman.waitForExit(id, Duration.ofSeconds(1)));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "wait overran its timeout");
        assertEquals("running", podman.inspectContainer(id).state());
        podman.killContainer(id);
        assertEquals(Optional.of(137), podman.waitForExit(id, Duration.ofSeconds(30)));
        podman.killContainer(id);
    }

    @Test
    void listsContainersByLabel() {
        ContainerId id = create(spec("/bin/true"));
        List<ContainerSummary> listed = podman.listContainers("heroa.test-case");
        assertTrue(listed.stream().anyMatch(container -> container.id().equals(id) && container.state().equals("created")
                && IDS_FROM.equals(container.labels().get("heroa.test-case"))), "listed " + listed);
        assertTrue(podman.listContainers("heroa.no-such-label-" + UUID.randomUUID()).isEmpty());
    }

    /** Podman's inspect document, read here directly, so the test checks Podman's view and not the client's. */
    private static JsonNode podmanInspect(ContainerId id) throws IOException {
        io.helidon.webclient.api.WebClient http = io.helidon.webclient.api.WebClient.create();
        try {
            String body = http.get().address(java.net.UnixDomainSocketAddress.of(TestPodman.socket()))
                    .path("/v4.0.0/libpod/containers/" + id.value() + "/json").requestEntity(String.class);
            return new ObjectMapper().readTree(body);
        } finally {
            http.closeResource();
        }
    }
}
