package ca.heroa.appliance.task;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TaskFixtures;
import ca.heroa.appliance.testing.TestAppliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Running tasks through the API: synchronously and asynchronously, with input, exit codes, output caps, timeouts,
 * cancellation, the queue's 429, the per-task audit entries with resource usage, and the template boundary between
 * workspaces.
 */
class TaskLifecycleTest {
    private static ApiClient client;
    private static TaskFixtures.Workspace workspace;

    @BeforeAll
    static void setUp() {
        client = TestAppliance.client();
        workspace = TaskFixtures.workspace(client, "lifecycle-" + System.nanoTime());
        define("echo-input", List.of("/bin/sh", "-c", "cat /run/heroa/input; echo; echo to-stderr >&2; exit 3"));
        define("sleeper", List.of("/bin/sleep", "30"), "timeoutSeconds", 60);
        define("too-slow", List.of("/bin/sleep", "30"), "timeoutSeconds", 1);
        define("chatty", List.of("/bin/sh", "-c", "yes 0123456789abcdef | head -c 1000000"));
    }

    private static void define(String name, List<String> command, Object... resources) {
        TaskFixtures.defineTemplate(client, workspace, TaskFixtures.manifest(name, workspace.image(), command, List.of(), resources));
    }

    @Test
    void aSynchronousRunReturnsExitCodeOutputAndUsage() {
        JsonNode task = TaskFixtures.runToEnd(client, workspace, "echo-input", "bonjour");
        assertEquals("failed", task.get("status").asText(), task.toString());
        assertEquals(3, task.get("exitCode").asInt());
        assertEquals("bonjour\n", task.get("output").get("stdout").asText());
        assertEquals("to-stderr\n", task.get("output").get("stderr").asText());
        assertEquals("echo-input", task.get("template").get("name").asText());
        assertEquals(workspace.image(), task.get("template").get("image").asText());
        assertTrue(task.get("usage").get("wallMillis").asLong() > 0, task.toString());
        assertTrue(task.get("usage").get("peakMemoryBytes").asLong() > 0, task.toString());
        assertTrue(task.get("usage").get("peakPids").asLong() >= 1, task.toString());
    }

    @Test
    void everyStepOfATaskIsAuditedWithItsTemplateDigestExitCodeAndUsage() {
        String id = TaskFixtures.runToEnd(client, workspace, "echo-input", "x").get("id").asText();
        JsonNode entries = client.get("/v1/audit?workspace=" + workspace.id() + "&limit=500", workspace.token()).json().get("entries");
        List<JsonNode> ofTask = new ArrayList<>();
        entries.forEach(entry -> {
            if (entry.get("target").asText().equals("task:" + id)) {
                ofTask.add(entry);
            }
        });
        List<String> actions = ofTask.stream().map(entry -> entry.get("action").asText()).sorted().toList();
        assertEquals(List.of("task.accepted", "task.failed", "task.started"), actions, ofTask.toString());
        JsonNode ended = ofTask.stream().filter(entry -> entry.get("action").asText().equals("task.failed")).findFirst().orElseThrow();
        JsonNode details = ended.get("details");
        assertEquals("3", details.get("exitCode").asText(), ended.toString());
        assertEquals("echo-input", details.get("templateName").asText());
        assertEquals(workspace.image(), details.get("imageDigest").asText());
        for (String usage : List.of("cpuMillis", "peakMemoryBytes", "peakPids", "wallMillis")) {
            assertTrue(details.has(usage), "usage " + usage + " in " + ended);
        }
        assertEquals(workspace.id(), ended.get("workspace").asText());
        assertTrue(ended.has("occurredAt"), ended.toString());
    }

    @Test
    void outputIsCappedAndTheCutIsMarked() {
        JsonNode task = TaskFixtures.runToEnd(client, workspace, "chatty");
        JsonNode output = task.get("output");
        assertTrue(output.get("stdoutTruncated").asBoolean(), task.toString());
        assertTrue(output.get("stdout").asText().length() <= TestAppliance.get().taskRuntime().settings().outputMaxBytes());
    }

    @Test
    void aTaskPastItsTimeLimitIsKilledAndMarkedTimedOut() {
        JsonNode task = TaskFixtures.runToEnd(client, workspace, "too-slow");
        assertEquals("timed_out", task.get("status").asText(), task.toString());
        assertTrue(task.get("usage").get("wallMillis").asLong() < 20_000, task.toString());
    }

    @Test
    void anAsynchronousTaskCanBeFollowedAndCancelled() {
        ApiClient.Response accepted = TaskFixtures.run(client, workspace, "sleeper", 0);
        assertEquals(202, accepted.status(), accepted.body());
        String location = accepted.header("Location").orElseThrow();
        String id = accepted.json().get("id").asText();
        assertTrue(location.endsWith("/tasks/" + id), location);
        ApiClient.Response cancel = client.post(location + "/cancel", workspace.token(), "{}");
        assertEquals(202, cancel.status(), cancel.body());
        JsonNode task = client.get(location + "?wait=60", workspace.token()).json();
        assertEquals("cancelled", task.get("status").asText(), task.toString());
        ApiClient.Response again = client.post(location + "/cancel", workspace.token(), "{}");
        assertEquals(409, again.status(), again.body());
        assertEquals("task_finished", again.json().get("code").asText());
        JsonNode list = client.get("/v1/workspaces/" + workspace.id() + "/tasks?limit=100", workspace.token()).json();
        boolean listed = false;
        for (JsonNode each : list.get("tasks")) {
            listed |= each.get("id").asText().equals(id);
        }
        assertTrue(listed, "the task is listed in its workspace");
    }

    @Test
    void beyondTheQueueTheAnswerIs429WithRetryAfter() {
        List<String> accepted = new ArrayList<>();
        ApiClient.Response refused = null;
        for (int i = 0; i < 40 && refused == null; i++) {
            ApiClient.Response response = TaskFixtures.run(client, workspace, "sleeper", 0);
            if (response.status() == 429) {
                refused = response;
            } else {
                assertEquals(202, response.status(), response.body());
                accepted.add(response.json().get("id").asText());
            }
        }
        try {
            assertTrue(refused != null, "the queue must fill up");
            assertEquals("task_queue_full", refused.json().get("code").asText());
            assertTrue(Integer.parseInt(refused.header("Retry-After").orElseThrow()) >= 1, refused.headers().toString());
        } finally {
            for (String id : accepted) {
                client.post("/v1/workspaces/" + workspace.id() + "/tasks/" + id + "/cancel", workspace.token(), "{}");
            }
            for (String id : accepted) {
                client.get("/v1/workspaces/" + workspace.id() + "/tasks/" + id + "?wait=60", workspace.token());
            }
        }
    }

    @Test
    void anotherWorkspaceCannotRunOrSeeAPrivateTemplateOrItsTasks() {
        TaskFixtures.Workspace other = TaskFixtures.workspace(client, "lifecycle-other-" + System.nanoTime());
        ApiClient.Response run = TaskFixtures.run(client, other, "echo-input", 10);
        assertEquals(404, run.status(), run.body());
        String id = TaskFixtures.runToEnd(client, workspace, "echo-input", "x").get("id").asText();
        assertEquals(404, client.get("/v1/workspaces/" + workspace.id() + "/tasks/" + id, other.token()).status());
        assertEquals(404, client.get("/v1/workspaces/" + other.id() + "/tasks/" + id, other.token()).status());
    }

    @Test
    void deletingAWorkspaceStopsItsRunningTasksAndStillAuditsTheirEnd() throws Exception {
        TaskFixtures.Workspace doomed = TaskFixtures.workspace(client, "lifecycle-doomed-" + System.nanoTime());
        TaskFixtures.defineTemplate(client, doomed, TaskFixtures.manifest("sleeper", doomed.image(), List.of("/bin/sleep", "60"), List.of(),
                "timeoutSeconds", 120));
        ApiClient.Response accepted = TaskFixtures.run(client, doomed, "sleeper", 0);
        assertEquals(202, accepted.status(), accepted.body());
        String id = accepted.json().get("id").asText();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (ca.heroa.appliance.testing.TestPodman.client().listContainers("heroa.task-id").stream()
                .noneMatch(container -> id.equals(container.labels().get("heroa.task-id")) && "running".equals(container.state()))) {
            assertTrue(System.nanoTime() < deadline, "the task never ran");
            Thread.sleep(50);
        }
        assertEquals(204, client.delete("/v1/workspaces/" + doomed.id(), TestAppliance.adminToken()).status());
        deadline = System.nanoTime() + 30_000_000_000L;
        JsonNode ended = null;
        while (ended == null) {
            assertTrue(System.nanoTime() < deadline, "the deleted workspace's task never recorded its end");
            for (JsonNode entry : client.get("/v1/audit?workspace=" + doomed.id() + "&action=task.cancelled&limit=10", TestAppliance.adminToken())
                    .json().get("entries")) {
                if (entry.get("target").asText().equals("task:" + id)) {
                    ended = entry;
                }
            }
            Thread.sleep(100);
        }
        assertEquals("workspace-deleted", ended.get("details").get("reason").asText(), ended.toString());
        assertTrue(ca.heroa.appliance.testing.TestPodman.client().listContainers("heroa.task-id").stream()
                .noneMatch(container -> id.equals(container.labels().get("heroa.task-id"))), "the task's container is removed");
    }

    @Test
    void manyTasksCreatedAtOnceAllRun() {
        // Podman 4.3 deadlocks when containers with an automatic user namespace of no explicit size are created at
        // once (podman issue 16062); every container the appliance creates gives the size.
        define("quick", List.of("/bin/true"));
        List<java.util.concurrent.CompletableFuture<JsonNode>> runs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            runs.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> TaskFixtures.run(client, workspace, "quick", 90).json()));
        }
        for (java.util.concurrent.CompletableFuture<JsonNode> run : runs) {
            JsonNode task = run.join();
            if (!task.path("status").asText().equals("succeeded")) {
                // Queued behind the others past the wait: follow it to its end.
                task = client.get("/v1/workspaces/" + workspace.id() + "/tasks/" + task.get("id").asText() + "?wait=60", workspace.token()).json();
            }
            assertEquals("succeeded", task.get("status").asText(), task.toString());
        }
    }
}
