package ca.heroa.appliance.task;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TaskFixtures;
import ca.heroa.appliance.testing.TestAppliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promise 2 from inside a task: with no network at all, a task reads and writes its workspace's state through the
 * Unix socket mounted into its container, with its own token; it cannot reach another workspace's state, nor any
 * other API; the socket and the token stop working when the task ends.
 */
class StateSocketTest {
    private static final String PROBE = "/bin/heroa-probe http /run/heroa/state.sock ";

    @Test
    void aTaskReachesItsOwnWorkspaceStateOnlyAndOnlyWhileItRuns() throws Exception {
        ApiClient client = TestAppliance.client();
        TaskFixtures.Workspace a = TaskFixtures.workspace(client, "state-a-" + System.nanoTime());
        TaskFixtures.Workspace b = TaskFixtures.workspace(client, "state-b-" + System.nanoTime());
        assertEquals(201, client.putBytes("/v1/workspaces/" + b.id() + "/state/private", b.token(), "b-only".getBytes(StandardCharsets.UTF_8),
                "application/octet-stream").status());
        String script = String.join("; ",
                "B=$(cat /run/heroa/input)",
                "echo '## put'; " + PROBE + "PUT /v1/workspaces/$HEROA_WORKSPACE/state/agents/run-1 /run/heroa/token from-the-task",
                "echo '## get'; " + PROBE + "GET /v1/workspaces/$HEROA_WORKSPACE/state/agents/run-1 /run/heroa/token",
                "echo '## other'; " + PROBE + "GET /v1/workspaces/$B/state/private /run/heroa/token",
                "echo '## other-list'; " + PROBE + "GET /v1/workspaces/$B/state /run/heroa/token",
                "echo '## missing'; " + PROBE + "GET /v1/workspaces/$HEROA_WORKSPACE/state/nothing-here /run/heroa/token",
                "echo '## secrets'; " + PROBE + "GET /v1/workspaces/$HEROA_WORKSPACE/secrets /run/heroa/token",
                "echo '## no-token'; " + PROBE + "GET /v1/workspaces/$HEROA_WORKSPACE/state/agents/run-1 /dev/null",
                "sleep 3");
        TaskFixtures.defineTemplate(client, a, TaskFixtures.manifest("state-user", a.image(), List.of("/bin/sh", "-c", script), List.of()));

        ApiClient.Response accepted = TaskFixtures.run(client, a, "state-user", 0, b.id());
        assertEquals(202, accepted.status(), accepted.body());
        String taskId = accepted.json().get("id").asText();
        Path directory = TestAppliance.get().taskRuntimeDirectory().resolve(taskId);
        String token = awaitToken(directory.resolve("token"));
        Path socket = directory.resolve("state.sock");

        JsonNode task = client.get("/v1/workspaces/" + a.id() + "/tasks/" + taskId + "?wait=25", a.token()).json();
        assertEquals("succeeded", task.get("status").asText(), task.toString());
        String stdout = task.get("output").get("stdout").asText();
        assertTrue(section(stdout, "put").startsWith("HTTP/1.1 20"), "the task writes its state:\n" + stdout);
        assertTrue(section(stdout, "get").startsWith("HTTP/1.1 200") && section(stdout, "get").endsWith("from-the-task"),
                "the task reads its state:\n" + stdout);
        String missingStatus = section(stdout, "missing").lines().findFirst().orElse("");
        assertTrue(missingStatus.startsWith("HTTP/1.1 404"), stdout);
        assertEquals(missingStatus, section(stdout, "other").lines().findFirst().orElse(""),
                "another workspace's state answers exactly like a missing key:\n" + stdout);
        assertTrue(section(stdout, "other-list").startsWith("HTTP/1.1 404"), stdout);
        assertFalse(section(stdout, "other").contains("b-only"), stdout);
        assertTrue(section(stdout, "secrets").startsWith("HTTP/1.1 404"), "only the state API is on the task's socket:\n" + stdout);
        assertTrue(section(stdout, "no-token").startsWith("HTTP/1.1 401"), "the socket wants the task's token:\n" + stdout);

        assertEquals("from-the-task", client.get("/v1/workspaces/" + a.id() + "/state/agents/run-1", a.token()).body(),
                "what the task wrote is in its workspace's state");
        assertFalse(Files.exists(socket), "the socket is gone when the task ends");
        assertThrows(IOException.class, () -> {
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
            }
        });
        assertEquals(401, client.get("/v1/workspaces/" + a.id() + "/state/agents/run-1", token).status(),
                "the task's token is worth nothing on the public API");
    }

    private static String awaitToken(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the task's token file never appeared: " + file);
    }

    /** The probe's reply printed after "## name", trimmed. */
    private static String section(String stdout, String name) {
        int start = stdout.indexOf("## " + name + "\n");
        if (start < 0) {
            return "";
        }
        start += name.length() + 4;
        int end = stdout.indexOf("\n## ", start);
        return (end < 0 ? stdout.substring(start) : stdout.substring(start, end)).trim();
    }
}
