package ca.heroa.appliance.api;

import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.TestAppliance;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promise 2, from the attacker's side: a token of workspace A that names anything of workspace B gets exactly
 * what a nonexistent thing gets — status, body shape, error code and timing within noise. The matrix is
 * generated from the OpenAPI document (which {@link OpenApiRoutesTest} keeps equal to the served routes), so a
 * new workspace-scoped route is covered without anyone adding it here.
 */
class CrossWorkspaceMatrixTest {
    private static final int TIMING_SAMPLES = 15;
    private static ApiClient api;
    private static String admin;
    private static String workspaceA;
    private static String workspaceB;
    private static String tokenA;
    private static String tokenB;
    private static String tokenIdB;
    private static String nameB;

    @BeforeAll
    static void twoWorkspaces() {
        api = TestAppliance.client();
        admin = TestAppliance.adminToken();
        String suffix = java.util.UUID.randomUUID().toString().substring(0, 8);
        workspaceA = api.createWorkspace(admin, "matrix-a-" + suffix);
        nameB = "matrix-b-" + suffix;
        workspaceB = api.createWorkspace(admin, nameB);
        tokenA = api.createToken(admin, workspaceA, "a-all", "workspace:read", "tokens:manage", "audit:read").get("token").asText();
        JsonNode b = api.createToken(admin, workspaceB, "b-all", "workspace:read", "tokens:manage", "audit:read");
        tokenB = b.get("token").asText();
        tokenIdB = b.get("id").asText();
    }

    record Operation(String method, String pathTemplate, boolean workspaceInPath, boolean workspaceInQuery, boolean hasBody) {
    }

    @TestFactory
    List<DynamicTest> everyWorkspaceScopedOperation() {
        List<Operation> operations = workspaceScopedOperations();
        assertTrue(operations.size() >= 6, "the OpenAPI document should list the workspace-scoped operations, found " + operations);
        List<DynamicTest> tests = new ArrayList<>();
        for (Operation operation : operations) {
            tests.add(DynamicTest.dynamicTest(operation.method() + " " + operation.pathTemplate(), () -> check(operation)));
        }
        tests.add(DynamicTest.dynamicTest("workspace B is untouched", CrossWorkspaceMatrixTest::workspaceBUntouched));
        return tests;
    }

    private static void check(Operation operation) {
        Request foreign = request(operation, workspaceB, tokenIdB);
        Request missing = request(operation, "ws_" + "0".repeat(32), "tok_" + "0".repeat(24));
        ApiClient.Response foreignResponse = send(foreign);
        ApiClient.Response missingResponse = send(missing);
        assertEquals(missingResponse.status(), foreignResponse.status(),
                operation + ": a foreign workspace must answer like a nonexistent one; got " + foreignResponse.body());
        assertEquals(404, foreignResponse.status(), operation + ": " + foreignResponse.body());
        assertEquals(shape(missingResponse.json()), shape(foreignResponse.json()), operation + ": same body shape");
        assertEquals(missingResponse.json().get("code"), foreignResponse.json().get("code"), operation + ": same error code");
        assertEquals(missingResponse.json().get("detail"), foreignResponse.json().get("detail"), operation + ": same text");
        assertTimingIndistinguishable(operation, foreign, missing);
    }

    /** Medians of interleaved samples must be within noise: 3 ms or 50 %, whichever is larger. */
    private static void assertTimingIndistinguishable(Operation operation, Request foreign, Request missing) {
        long[] foreignTimes = new long[TIMING_SAMPLES];
        long[] missingTimes = new long[TIMING_SAMPLES];
        for (int i = 0; i < TIMING_SAMPLES; i++) {
            foreignTimes[i] = timed(foreign);
            missingTimes[i] = timed(missing);
        }
        long foreignMedian = median(foreignTimes);
        long missingMedian = median(missingTimes);
        long difference = Math.abs(foreignMedian - missingMedian);
        long allowed = Math.max(3_000_000L, Math.max(foreignMedian, missingMedian) / 2);
        assertTrue(difference <= allowed, operation + ": timing differs beyond noise: foreign median " + foreignMedian / 1000
                + " µs, nonexistent median " + missingMedian / 1000 + " µs");
    }

    private static void workspaceBUntouched() {
        JsonNode b = api.get("/v1/workspaces/" + workspaceB, tokenB).json();
        assertEquals(nameB, b.get("name").asText(), "workspace B keeps its name");
        JsonNode tokens = api.get("/v1/workspaces/" + workspaceB + "/tokens", tokenB).json().get("tokens");
        assertEquals(1, tokens.size(), "workspace B has exactly its own token");
        assertTrue(tokens.get(0).path("revokedAt").isMissingNode(), "B's token is not revoked");
        for (JsonNode entry : api.get("/v1/audit?workspace=" + workspaceB + "&limit=500", admin).json().get("entries")) {
            assertTrue(entry.get("actor").asText().startsWith("tenant-admin"), "no entry in B is from A's token: " + entry);
        }
    }

    private record Request(String method, String path, Optional<String> body) {
    }

    private static Request request(Operation operation, String workspace, String tokenId) {
        String path = operation.pathTemplate().replace("{workspace}", workspace).replace("{token}", tokenId).replace("{name}", "matrix-probe")
                .replace("{key}", "matrix/probe").replace("{version}", "1").replace("{digest}", "sha256:" + "0".repeat(64))
                .replace("{task}", "task_" + "0".repeat(24));
        if (operation.workspaceInQuery()) {
            path = path + "?workspace=" + workspace;
        }
        Optional<String> body = operation.hasBody()
                ? Optional.of("{\"name\":\"matrix-probe\",\"scopes\":[\"workspace:read\"]}")
                : Optional.empty();
        if (operation.hasBody() && operation.pathTemplate().equals("/v1/workspaces/{workspace}")) {
            body = Optional.of("{\"name\":\"matrix-probe\"}");
        }
        return new Request(operation.method(), path, body);
    }

    private static ApiClient.Response send(Request request) {
        return api.send(request.method(), request.path(), Optional.of(tokenA), request.body(), Map.of());
    }

    private static long timed(Request request) {
        long start = System.nanoTime();
        send(request);
        return System.nanoTime() - start;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static TreeSet<String> shape(JsonNode body) {
        TreeSet<String> fields = new TreeSet<>();
        body.fieldNames().forEachRemaining(fields::add);
        return fields;
    }

    /** Every operation whose path or query names a workspace, read from the served OpenAPI document. */
    static List<Operation> workspaceScopedOperations() {
        JsonNode document = OpenApiRoutesTest.servedDocument();
        JsonNode sharedParameters = document.path("components").path("parameters");
        List<Operation> operations = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            boolean pathLevelWorkspace = namesWorkspace(path.getValue().path("parameters"), sharedParameters, "path");
            Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields();
            while (methods.hasNext()) {
                Map.Entry<String, JsonNode> method = methods.next();
                if (method.getKey().equals("parameters")) {
                    continue;
                }
                boolean inPath = pathLevelWorkspace || namesWorkspace(method.getValue().path("parameters"), sharedParameters, "path");
                boolean inQuery = namesWorkspace(method.getValue().path("parameters"), sharedParameters, "query");
                if (inPath || inQuery) {
                    operations.add(new Operation(method.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(), inPath, inQuery,
                            method.getValue().has("requestBody")));
                }
            }
        }
        return operations;
    }

    private static boolean namesWorkspace(JsonNode parameters, JsonNode shared, String location) {
        for (JsonNode parameter : parameters) {
            JsonNode resolved = parameter.has("$ref")
                    ? shared.path(parameter.get("$ref").asText().substring("#/components/parameters/".length()))
                    : parameter;
            if (resolved.path("x-heroa-workspace").asBoolean(false) && resolved.path("in").asText().equals(location)) {
                return true;
            }
        }
        return false;
    }
}
