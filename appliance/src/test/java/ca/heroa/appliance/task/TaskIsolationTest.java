package ca.heroa.appliance.task;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TaskFixtures;
import ca.heroa.appliance.testing.TestAppliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacker's view of promise 1: from inside a task, every way out of its container fails, resource bombs stop
 * at their limits and hurt no one else, and nothing a task writes is there for the next one.
 */
class TaskIsolationTest {
    private static ApiClient client;
    private static TaskFixtures.Workspace workspace;

    @BeforeAll
    static void setUp() {
        client = TestAppliance.client();
        workspace = TaskFixtures.workspace(client, "isolation-" + System.nanoTime());
    }

    private static String define(String name, List<String> command, Object... resources) {
        TaskFixtures.defineTemplate(client, workspace, TaskFixtures.manifest(name, workspace.image(), command, List.of(), resources));
        return name;
    }

    @Test
    void everyEscapeFromInsideATaskFails() {
        String template = define("escape", List.of("/bin/heroa-probe", "escape"));
        JsonNode task = TaskFixtures.runToEnd(client, workspace, template);
        String stdout = task.get("output").get("stdout").asText();
        List<String> attempts = Arrays.stream(stdout.split("\n")).filter(line -> line.contains(": ")).filter(line -> !line.startsWith("fd ")).toList();
        for (String expected : List.of("mount", "proc-sys-write", "sys-write", "cgroup-write", "raw-socket", "packet-socket", "inet-socket-connect",
                "ptrace-attach", "ptrace-init", "unshare-user", "unshare-mount", "unshare-net", "setns", "host-fd", "proc-1-root-host",
                "host-etc-shadow", "cwd-outside", "overwrite-proc-self-exe", "mknod", "write-rootfs", "setuid-root", "chroot", "write-run-heroa",
                "write-rootfs-owned", "chmod-run-heroa", "host-pid-1")) {
            assertTrue(attempts.stream().anyMatch(line -> line.startsWith(expected + ": blocked")),
                    "'" + expected + "' must be blocked from inside a task; the probe printed:\n" + stdout);
        }
        assertFalse(stdout.contains("ALLOWED"), "nothing may be allowed; the probe printed:\n" + stdout);
        // These would fail for an unprivileged user anyway, except that the user owns the target: only the read-only
        // root and the read-only mount stop them, so the reason must be exactly that.
        assertTrue(stdout.contains("write-rootfs-owned: blocked (Read-only file system)"), stdout);
        assertTrue(stdout.contains("chmod-run-heroa: blocked (Read-only file system)"), stdout);
        assertEquals("succeeded", task.get("status").asText(), task.toString());
    }

    @Test
    void theTaskRunsAsAnUnprivilegedRemappedUserWithNoCapabilities() {
        String template = define("whoami", List.of("/bin/sh", "-c",
                "id -u; id -g; grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status; grep NoNewPrivs /proc/self/status; grep Seccomp: /proc/self/status;"
                        + " cat /proc/self/uid_map; ls /dev"));
        String stdout = TaskFixtures.runToEnd(client, workspace, template).get("output").get("stdout").asText();
        List<String> lines = List.of(stdout.split("\n"));
        assertEquals("1000", lines.get(0), stdout);
        assertTrue(stdout.contains("CapEff:\t0000000000000000") && stdout.contains("CapBnd:\t0000000000000000"), "no capabilities at all:\n" + stdout);
        assertTrue(stdout.contains("NoNewPrivs:\t1"), "no-new-privileges:\n" + stdout);
        assertTrue(stdout.contains("Seccomp:\t2"), "a seccomp filter:\n" + stdout);
        String uidMap = lines.stream().filter(line -> line.trim().startsWith("0 ")).findFirst().orElseThrow(() -> new AssertionError(stdout));
        assertFalse(uidMap.trim().split("\\s+")[1].equals("0"), "container root must map to an unprivileged host user: " + uidMap);
        assertFalse(stdout.contains("sda") || stdout.contains("vda") || stdout.contains("mem\n") || stdout.contains("kmsg"),
                "no host devices in /dev:\n" + stdout);
    }

    @Test
    void aForkBombStopsAtThePidsLimitAndTheApplianceKeepsServing() {
        String template = define("fork-bomb", List.of("/bin/sh", "-c", "while true; do sleep 30 & done"), "pids", 32, "timeoutSeconds", 4);
        CompletableFuture<JsonNode> bomb = CompletableFuture.supplyAsync(() -> TaskFixtures.runToEnd(client, workspace, template));
        assertServing();
        JsonNode task = bomb.join();
        assertTrue(List.of("timed_out", "failed").contains(task.get("status").asText()), task.toString());
        long peak = task.get("usage").get("peakPids").asLong();
        assertTrue(peak >= 16 && peak <= 32, "the bomb reaches the limit of 32 processes and no further: peak " + peak + " in " + task);
        assertTrue(task.get("output").get("stderr").asText().contains("fork"), "forks were refused: " + task);
    }

    @Test
    void aMemoryBombIsKilledAloneAndRecordedAsSuch() {
        String template = define("memory-bomb", List.of("/bin/sh", "-c", "x=a; while true; do x=$x$x; done"), "memoryMiB", 32);
        CompletableFuture<JsonNode> bomb = CompletableFuture.supplyAsync(() -> TaskFixtures.runToEnd(client, workspace, template));
        assertServing();
        JsonNode task = bomb.join();
        assertEquals("failed", task.get("status").asText(), task.toString());
        assertEquals("oom-killed", task.get("reason").asText(), task.toString());
        assertTrue(task.get("usage").get("peakMemoryBytes").asLong() <= 34L * 1024 * 1024, "peak memory within the limit: " + task);
        String neighbour = define("neighbour", List.of("/bin/echo", "still here"));
        assertEquals("still here\n", TaskFixtures.runToEnd(client, workspace, neighbour).get("output").get("stdout").asText());
    }

    @Test
    void fillingTheTmpfsStopsAtItsSize() {
        String template = define("fill-tmp", List.of("/bin/sh", "-c",
                "dd if=/dev/zero of=/tmp/fill bs=1M count=64 2>/dev/null; echo status=$?; echo used=$(du -k /tmp/fill | cut -f1)"),
                "tmpfsMiB", 4);
        String stdout = TaskFixtures.runToEnd(client, workspace, template).get("output").get("stdout").asText();
        assertTrue(stdout.contains("status=1"), "writing past the tmpfs size must fail:\n" + stdout);
        long kilobytes = Long.parseLong(stdout.substring(stdout.indexOf("used=") + 5).trim());
        assertTrue(kilobytes <= 4096, "at most 4 MiB written, saw " + kilobytes + " KiB:\n" + stdout);
    }

    @Test
    void aFileWrittenByOneTaskIsNotThereForTheNext() {
        String writer = define("writer", List.of("/bin/sh", "-c", "echo left-behind > /tmp/marker && echo wrote"));
        String reader = define("reader", List.of("/bin/sh", "-c", "cat /tmp/marker 2>&1; ls -A /tmp | wc -l"));
        assertEquals("wrote\n", TaskFixtures.runToEnd(client, workspace, writer).get("output").get("stdout").asText());
        String stdout = TaskFixtures.runToEnd(client, workspace, reader).get("output").get("stdout").asText();
        assertTrue(stdout.contains("No such file"), "the next task of the same workspace must not see the file:\n" + stdout);
        assertFalse(stdout.contains("left-behind"), stdout);
    }

    @Test
    void aTaskHasNoNetworkAtAll() {
        // /sys is an empty tmpfs in a task (its network namespace belongs to the host), so interfaces come from /proc.
        String template = define("network", List.of("/bin/sh", "-c",
                "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; echo nameservers $(grep -c nameserver /etc/resolv.conf); "
                        + "grep -v '^#' /etc/hosts | grep -vc localhost"));
        String stdout = TaskFixtures.runToEnd(client, workspace, template).get("output").get("stdout").asText();
        assertEquals(List.of("lo", "nameservers 0", "0"), List.of(stdout.strip().split("\n")),
                "only the loopback interface, no name server, no name pinned in /etc/hosts:\n" + stdout);
    }

    private static void assertServing() {
        for (int i = 0; i < 5; i++) {
            ApiClient.Response response = client.get("/v1/workspaces/" + workspace.id(), workspace.token());
            assertEquals(200, response.status(), "the appliance keeps serving while a task misbehaves: " + response.body());
        }
    }
}
