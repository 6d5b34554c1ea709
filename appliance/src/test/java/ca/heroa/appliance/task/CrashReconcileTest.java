package ca.heroa.appliance.task;

import ca.heroa.appliance.podman.ContainerSummary;
import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.ApplianceProcess;
import ca.heroa.appliance.testing.Prerequisites;
import ca.heroa.appliance.testing.TaskFixtures;
import ca.heroa.appliance.testing.TestFiles;
import ca.heroa.appliance.testing.TestPodman;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No orphan survives a crash: the appliance is killed with SIGKILL while tasks run and wait; after a restart on the
 * same data, no labelled container of it remains and every task has a final state and its audit entry.
 */
class CrashReconcileTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern ADMIN_TOKEN = Pattern.compile("(heroa_at_[A-Za-z0-9_-]+)");

    @Test
    void afterSigkillTheRestartRemovesEveryContainerAndFinishesEveryTask() throws Exception {
        Prerequisites.requireUnshareWhenRoot();
        Path data = Files.createTempDirectory("heroa-crash-");
        int port = ApplianceProcess.freePort();
        try {
            Process first = start(data, port);
            String admin;
            List<String> tasks = new ArrayList<>();
            String workspace;
            try {
                Matcher token = ADMIN_TOKEN.matcher(ApplianceProcess.awaitLine(first, "tenant-admin token", START_TIMEOUT));
                assertTrue(token.find());
                admin = token.group(1);
                ApplianceProcess.awaitLine(first, "Ready", START_TIMEOUT);
                ApplianceProcess.drain(first);
                ApiClient api = new ApiClient(port, ApplianceProcess.caCertificate(data));
                workspace = api.createWorkspace(admin, "crash");
                String image = TaskFixtures.uploadImage(api, admin, workspace, TaskFixtures.probeArchive());
                TaskFixtures.Workspace ws = new TaskFixtures.Workspace(workspace, admin, image);
                TaskFixtures.defineTemplate(api, ws, TaskFixtures.manifest("sleeper", image, List.of("/bin/sleep", "300"), List.of(),
                        "timeoutSeconds", 600));
                for (int i = 0; i < 6; i++) {
                    ApiClient.Response accepted = TaskFixtures.run(api, ws, "sleeper", 0);
                    assertEquals(202, accepted.status(), accepted.body());
                    tasks.add(accepted.json().get("id").asText());
                }
                awaitRunning(workspace, 2);
            } finally {
                first.destroyForcibly();
                first.waitFor(30, TimeUnit.SECONDS);
            }
            assertTrue(ours(workspace).size() >= 1, "the killed appliance left running containers behind (the case to reconcile)");

            Process second = start(data, port);
            try {
                ApplianceProcess.awaitLine(second, "Ready", START_TIMEOUT);
                ApplianceProcess.drain(second);
                assertEquals(List.of(), ours(workspace), "no labelled container of this appliance survives the restart");
                ApiClient api = new ApiClient(port, ApplianceProcess.caCertificate(data));
                for (String task : tasks) {
                    JsonNode view = api.get("/v1/workspaces/" + workspace + "/tasks/" + task, admin).json();
                    assertEquals("lost", view.get("status").asText(), view.toString());
                    JsonNode entries = api.get("/v1/audit?workspace=" + workspace + "&action=task.lost&limit=100", admin).json().get("entries");
                    boolean audited = false;
                    for (JsonNode entry : entries) {
                        audited |= entry.get("target").asText().equals("task:" + task);
                    }
                    assertTrue(audited, "task " + task + " has its task.lost entry: " + entries);
                }
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            TestFiles.deleteRecursively(data);
        }
    }

    private static Process start(Path data, int port) throws Exception {
        ProcessBuilder builder = ApplianceProcess.builder(data, "serve");
        builder.environment().put("HEROA_SERVER_HOST", "127.0.0.1");
        builder.environment().put("HEROA_SERVER_PORT", Integer.toString(port));
        builder.environment().put("HEROA_SERVER_ADMIN_dash_PORT", "0");
        builder.environment().put("HEROA_TASKS_MAX_dash_CONCURRENT", "2");
        return builder.start();
    }

    /** Containers of the crash test's workspace (its appliance has its own data directory, so its own workspace IDs). */
    private static List<ContainerSummary> ours(String workspace) {
        return TestPodman.client().listContainers("heroa.task-id").stream()
                .filter(container -> workspace.equals(container.labels().get("heroa.workspace")))
                .toList();
    }

    private static void awaitRunning(String workspace, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (ours(workspace).stream().filter(container -> "running".equals(container.state())).count() >= count) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("tasks never started running");
    }
}
