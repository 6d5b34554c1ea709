package ca.heroa.appliance.state;

import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state API over real HTTP and PostgreSQL: bytes and content type round trip, ETags and conditional writes (also
 * racing, across two audit writers), key validation, limits, and scopes. Limits here: 4096 bytes, 20 objects.
 */
class StateApiTest {
    private static final String ADMIN = "admin";
    private static StateHarness harness;

    @BeforeAll
    static void start() {
        harness = new StateHarness(new StateSettings(4096, 20));
        harness.principals.put(ADMIN, new Principal.TenantAdmin("tok_admin"));
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static String state(WorkspaceId workspace) {
        return "/v1/workspaces/" + workspace + "/state";
    }

    private static Map<String, String> type(String contentType) {
        return Map.of("Content-Type", contentType);
    }

    @Test
    void bytesAndContentTypeRoundTripAndKeysMayHoldSlashes() {
        WorkspaceId workspace = harness.workspace("round-trip");
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        String key = state(workspace) + "/agents/run-7/checkpoint.json";
        StateHarness.Response created = harness.put(key, ADMIN, value, type("application/vnd.heroa.checkpoint+json; charset=utf-8"));
        assertEquals(201, created.status(), created.text());
        assertEquals("agents/run-7/checkpoint.json", created.json().get("key").asText());
        assertEquals(1, created.json().get("version").asInt());
        assertEquals(256, created.json().get("size").asInt());
        assertEquals(created.header("ETag").orElseThrow(), created.json().get("etag").asText(), "the body names the same ETag");
        assertEquals(Optional.of(key), created.header("Location"));

        StateHarness.Response read = harness.get(key, ADMIN, Map.of());
        assertEquals(200, read.status(), read.text());
        assertArrayEquals(value, read.body(), "every byte value comes back unchanged");
        assertEquals(Optional.of("application/vnd.heroa.checkpoint+json; charset=utf-8"), read.header("Content-Type"));
        assertEquals(created.header("ETag"), read.header("ETag"));
        assertEquals(Optional.of("nosniff"), read.header("X-Content-Type-Options"));

        StateHarness.Response untyped = harness.send("PUT", state(workspace) + "/raw", ADMIN, Optional.of(new byte[] {1, 2}), Map.of());
        assertEquals(201, untyped.status(), untyped.text());
        assertEquals(Optional.of("application/octet-stream"), harness.get(state(workspace) + "/raw", ADMIN, Map.of()).header("Content-Type"),
                "no Content-Type is stored as application/octet-stream");
        StateHarness.Response empty = harness.put(state(workspace) + "/empty", ADMIN, new byte[0], type("text/plain"));
        assertEquals(201, empty.status(), "an empty value is a value: " + empty.text());
        assertEquals(0, harness.get(state(workspace) + "/empty", ADMIN, Map.of()).body().length);

        StateHarness.Response updated = harness.put(key, ADMIN, "v2".getBytes(StandardCharsets.UTF_8), type("text/plain"));
        assertEquals(200, updated.status(), "overwriting is 200, not 201: " + updated.text());
        assertEquals(2, updated.json().get("version").asInt());
        assertNotEquals(created.header("ETag"), updated.header("ETag"), "a new version has a new ETag");
        assertEquals(Optional.of("text/plain"), harness.get(key, ADMIN, Map.of()).header("Content-Type"), "the content type follows the version");

        assertEquals(204, harness.delete(key, ADMIN, Map.of()).status());
        StateHarness.Response gone = harness.get(key, ADMIN, Map.of());
        assertEquals(404, gone.status());
        assertEquals("not_found", gone.code());
        assertEquals(404, harness.delete(key, ADMIN, Map.of()).status(), "deleting twice");
        StateHarness.Response again = harness.put(key, ADMIN, new byte[] {9}, Map.of());
        assertEquals(201, again.status());
        assertEquals(1, again.json().get("version").asInt(), "a key written after deletion starts again at version 1");
        assertNotEquals(created.header("ETag"), again.header("ETag"), "but never with an ETag it had before");
    }

    @Test
    void listingIsByPrefixInKeyOrderAndPaginated() {
        WorkspaceId workspace = harness.workspace("listing");
        List<String> keys = List.of("agents/a/1", "agents/a/2", "agents/b_x/1", "agents/bax/1", "other", "agentsx");
        for (String key : keys) {
            assertEquals(201, harness.put(state(workspace) + "/" + key, ADMIN, key.getBytes(StandardCharsets.UTF_8), type("text/plain")).status());
        }
        JsonNode all = harness.get(state(workspace), ADMIN, Map.of()).json();
        assertEquals(List.of("agents/a/1", "agents/a/2", "agents/b_x/1", "agents/bax/1", "agentsx", "other"), keyList(all), "byte order");
        JsonNode first = all.get("objects").get(0);
        for (String field : List.of("key", "version", "etag", "size", "contentType", "updatedAt", "updatedBy")) {
            assertTrue(first.has(field), field + " is listed: " + first);
        }
        assertFalse(all.toString().contains("\"value\""), "values are never listed");
        assertFalse(all.has("nextCursor"), "one page holds everything: " + all);

        assertEquals(List.of("agents/b_x/1"), keyList(harness.get(state(workspace) + "?prefix=agents/b_", ADMIN, Map.of()).json()),
                "_ in a prefix is a character, not a wildcard");
        List<String> paged = new ArrayList<>();
        String query = "?prefix=agents/&limit=2";
        for (int page = 0; page < 10; page++) {
            JsonNode body = harness.get(state(workspace) + query, ADMIN, Map.of()).json();
            paged.addAll(keyList(body));
            if (!body.has("nextCursor")) {
                break;
            }
            assertEquals(2, body.get("objects").size());
            query = "?prefix=agents/&limit=2&cursor=" + body.get("nextCursor").asText();
        }
        assertEquals(List.of("agents/a/1", "agents/a/2", "agents/b_x/1", "agents/bax/1"), paged, "pages follow each other without gap or repeat");

        for (String bad : List.of("?limit=0", "?limit=1001", "?limit=x", "?prefix=a%2F..%25", "?cursor=bm9wZQ")) {
            StateHarness.Response refused = harness.get(state(workspace) + bad, ADMIN, Map.of());
            assertEquals(400, refused.status(), bad + ": " + refused.text());
        }
    }

    private static List<String> keyList(JsonNode page) {
        List<String> keys = new ArrayList<>();
        page.get("objects").forEach(object -> keys.add(object.get("key").asText()));
        return keys;
    }

    @Test
    void conditionalWritesReadsAndDeletesFollowTheirETags() {
        WorkspaceId workspace = harness.workspace("conditions");
        String key = state(workspace) + "/lease";
        StateHarness.Response created = harness.put(key, ADMIN, new byte[] {1}, Map.of("If-None-Match", "*"));
        assertEquals(201, created.status(), "If-None-Match: * creates an absent key: " + created.text());
        String first = created.header("ETag").orElseThrow();
        StateHarness.Response taken = harness.put(key, ADMIN, new byte[] {2}, Map.of("If-None-Match", "*"));
        assertEquals(412, taken.status(), "If-None-Match: * refuses an existing key: " + taken.text());
        assertEquals("state_precondition_failed", taken.code());

        StateHarness.Response second = harness.put(key, ADMIN, new byte[] {3}, Map.of("If-Match", first));
        assertEquals(200, second.status(), second.text());
        String current = second.header("ETag").orElseThrow();
        StateHarness.Response stale = harness.put(key, ADMIN, new byte[] {4}, Map.of("If-Match", first));
        assertEquals(412, stale.status(), "a stale If-Match loses: " + stale.text());
        assertEquals(412, harness.put(key, ADMIN, new byte[] {4}, Map.of("If-Match", "W/" + current)).status(),
                "a weak tag never matches If-Match");
        assertEquals(412, harness.put(key, ADMIN, new byte[] {4}, Map.of("If-Match", "garbage")).status(), "nor does garbage");
        assertEquals(200, harness.put(key, ADMIN, new byte[] {5}, Map.of("If-Match", first + ", " + current)).status(),
                "a list matches if one of its tags does");
        current = harness.get(key, ADMIN, Map.of()).header("ETag").orElseThrow();
        assertArrayEquals(new byte[] {5}, harness.get(key, ADMIN, Map.of()).body(), "only the winning writes changed the value");
        assertEquals(412, harness.put(state(workspace) + "/absent", ADMIN, new byte[] {1}, Map.of("If-Match", "*")).status(),
                "If-Match: * needs an existing key");

        StateHarness.Response notModified = harness.get(key, ADMIN, Map.of("If-None-Match", current));
        assertEquals(304, notModified.status());
        assertEquals(Optional.of(current), notModified.header("ETag"));
        assertEquals(0, notModified.body().length);
        assertEquals(304, harness.get(key, ADMIN, Map.of("If-None-Match", "W/" + current)).status(), "If-None-Match compares weakly");
        assertEquals(200, harness.get(key, ADMIN, Map.of("If-None-Match", first)).status(), "an older tag gets the value");

        assertEquals(412, harness.delete(key, ADMIN, Map.of("If-Match", first)).status(), "a stale delete loses");
        assertEquals(200, harness.get(key, ADMIN, Map.of()).status(), "and deleted nothing");
        assertEquals(204, harness.delete(key, ADMIN, Map.of("If-Match", current)).status());
        assertEquals(412, harness.delete(key, ADMIN, Map.of("If-Match", current)).status(), "If-Match on a deleted key fails");
    }

    @Test
    void etagsRevealNothingAboutTheValue() {
        WorkspaceId workspace = harness.workspace("etags");
        String a = harness.put(state(workspace) + "/a", ADMIN, "same".getBytes(StandardCharsets.UTF_8), Map.of()).header("ETag").orElseThrow();
        String b = harness.put(state(workspace) + "/b", ADMIN, "same".getBytes(StandardCharsets.UTF_8), Map.of()).header("ETag").orElseThrow();
        assertTrue(a.matches("\"1\\.[A-Za-z0-9_-]{16}\""), a);
        assertNotEquals(a, b, "equal values at the same version do not share a tag, so a tag is no hash of the content");
    }

    @Test
    void ofWritersRacingWithTheSameIfMatchExactlyOneWinsAcrossTwoAuditWriters() throws Exception {
        WorkspaceId workspace = harness.workspace("race");
        int secondPort = harness.secondNode();
        String key = state(workspace) + "/counter";
        String start = harness.put(key, ADMIN, "0".getBytes(StandardCharsets.UTF_8), Map.of()).header("ETag").orElseThrow();
        int writers = 16;
        for (int round = 0; round < 3; round++) {
            String tag = harness.get(key, ADMIN, Map.of()).header("ETag").orElseThrow();
            List<Integer> statuses = race(writers, i -> harness.send(i % 2 == 0 ? harness.port() : secondPort, "PUT", key, ADMIN,
                    Optional.of(("writer " + i).getBytes(StandardCharsets.UTF_8)), Map.of("If-Match", tag)).status());
            assertEquals(1, statuses.stream().filter(status -> status == 200).count(), "round " + round + ": exactly one winner: " + statuses);
            assertEquals(writers - 1, statuses.stream().filter(status -> status == 412).count(), "the rest lose with 412: " + statuses);
        }
        assertEquals(4, versionOf(workspace, "counter"), "one new version per round");
        assertNotEquals(start, harness.get(key, ADMIN, Map.of()).header("ETag").orElseThrow());

        List<Integer> creators = race(writers, i -> harness.send(i % 2 == 0 ? harness.port() : secondPort, "PUT", state(workspace) + "/once",
                ADMIN, Optional.of(new byte[] {(byte) i}), Map.of("If-None-Match", "*")).status());
        assertEquals(1, creators.stream().filter(status -> status == 201).count(), "exactly one creator: " + creators);
        assertEquals(writers - 1, creators.stream().filter(status -> status == 412).count(), creators.toString());
    }

    private static int versionOf(WorkspaceId workspace, String key) {
        for (JsonNode object : harness.get(state(workspace) + "?prefix=" + key, ADMIN, Map.of()).json().get("objects")) {
            if (object.get("key").asText().equals(key)) {
                return object.get("version").asInt();
            }
        }
        throw new AssertionError("no " + key);
    }

    private interface Attempt {
        int run(int writer) throws Exception;
    }

    private static List<Integer> race(int writers, Attempt attempt) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService executor = Executors.newFixedThreadPool(writers)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                int writer = i;
                results.add(executor.submit(() -> {
                    go.await();
                    return attempt.run(writer);
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get());
            }
            return statuses;
        }
    }

    @Test
    void malformedKeysAreRefusedWithTheirOwnError() {
        WorkspaceId workspace = harness.workspace("keys");
        List<String> refused = List.of("", "a%2Fb", "x/%2e%2e/y", "a%2fb", "..", "a/..", "../a", "a/../b", ".", "a/./b", "./a", "a//b", "/a", "a/", "%2E%2E",
                "a%00b", "a%0Ab", "a%7Fb", "sp%20ace", "a:b", "a~b", "a*b", "a@b", "a+b", "a!b", "a$b", "a=b", "a,b", "%C3%A9t%C3%A9",
                "x".repeat(StateKey.MAX_LENGTH + 1), "a;b", "a;b=c");
        for (String key : refused) {
            for (String method : List.of("PUT", "GET", "DELETE")) {
                StateHarness.Response response = harness.send(method, state(workspace) + "/" + key, ADMIN,
                        method.equals("PUT") ? Optional.of(new byte[] {1}) : Optional.empty(), Map.of());
                assertEquals(400, response.status(), method + " " + key + ": " + response.text());
                assertEquals("invalid_state_key", response.code(), method + " " + key);
                assertTrue(response.json().get("detail").asText().contains("512"), "the detail names the limit: " + response.text());
            }
        }
        assertEquals(0, harness.get(state(workspace), ADMIN, Map.of()).json().get("objects").size(), "nothing was written");
        for (String key : List.of("a", "A-Z_a.z-0.9", "agents/run-7/checkpoint.json", ".hidden", "a/.b/..c/...", "x".repeat(StateKey.MAX_LENGTH),
                "-", "_/_")) {
            StateHarness.Response accepted = harness.put(state(workspace) + "/" + key, ADMIN, new byte[] {1}, Map.of());
            assertEquals(201, accepted.status(), key + ": " + accepted.text());
            assertEquals(200, harness.get(state(workspace) + "/" + key, ADMIN, Map.of()).status(), key);
        }
    }

    @Test
    void valuesAndWorkspacesHaveLimits() {
        WorkspaceId workspace = harness.workspace("limits");
        assertEquals(201, harness.put(state(workspace) + "/max", ADMIN, new byte[4096], Map.of()).status(), "exactly the limit is accepted");
        StateHarness.Response large = harness.put(state(workspace) + "/large", ADMIN, new byte[4097], Map.of());
        assertEquals(413, large.status(), large.text());
        assertEquals("body_too_large", large.code());
        assertTrue(large.json().get("detail").asText().contains("4096"), large.text());
        StateHarness.Response longType = harness.put(state(workspace) + "/typed", ADMIN, new byte[1], type("text/" + "x".repeat(124)));
        assertEquals(400, longType.status(), "a content type over 128 characters: " + longType.text());
        assertEquals(201, harness.put(state(workspace) + "/typed", ADMIN, new byte[1], type("text/" + "x".repeat(123))).status(),
                "128 characters are kept");

        for (int i = 2; i < 20; i++) {
            assertEquals(201, harness.put(state(workspace) + "/k" + i, ADMIN, new byte[] {1}, Map.of()).status());
        }
        StateHarness.Response full = harness.put(state(workspace) + "/one-more", ADMIN, new byte[] {1}, Map.of());
        assertEquals(409, full.status(), full.text());
        assertEquals("state_limit", full.code());
        assertTrue(full.json().get("detail").asText().contains("20"), full.text());
        assertEquals(200, harness.put(state(workspace) + "/k2", ADMIN, new byte[] {2}, Map.of()).status(), "existing keys still take writes");
        assertEquals(204, harness.delete(state(workspace) + "/k2", ADMIN, Map.of()).status());
        assertEquals(201, harness.put(state(workspace) + "/one-more", ADMIN, new byte[] {1}, Map.of()).status(), "room again after a delete");
    }

    @Test
    void anotherWorkspaceOrItsTaskSeesExactlyWhatAMissingWorkspaceShows() {
        WorkspaceId a = harness.workspace("cross-a");
        WorkspaceId b = harness.workspace("cross-b");
        WorkspaceId missing = new WorkspaceId("ws_" + "0".repeat(32));
        harness.principals.put("member-b", new Principal.WorkspaceMember("tok_b", b, Set.of(Scope.WORKSPACE_READ, Scope.STATE_WRITE),
                Optional.empty()));
        harness.principals.put("task-b", new Principal.Task("task_b", b));
        harness.principals.put("reader-a", new Principal.WorkspaceMember("tok_ra", a, Set.of(Scope.WORKSPACE_READ), Optional.empty()));
        harness.principals.put("task-a", new Principal.Task("task_a", a));
        assertEquals(201, harness.put(state(a) + "/plan", ADMIN, "A's plan".getBytes(StandardCharsets.UTF_8), Map.of()).status());

        for (String caller : List.of("member-b", "task-b")) {
            for (String method : List.of("GET", "PUT", "DELETE")) {
                StateHarness.Response foreign = harness.send(method, state(a) + "/plan", caller,
                        method.equals("PUT") ? Optional.of(new byte[] {1}) : Optional.empty(), Map.of());
                StateHarness.Response absent = harness.send(method, state(missing) + "/plan", caller,
                        method.equals("PUT") ? Optional.of(new byte[] {1}) : Optional.empty(), Map.of());
                assertEquals(404, foreign.status(), caller + " " + method + ": " + foreign.text());
                assertEquals(absent.status(), foreign.status());
                assertEquals(absent.json().get("code"), foreign.json().get("code"), caller + " " + method + ": same code");
                assertEquals(absent.json().get("detail"), foreign.json().get("detail"), caller + " " + method + ": same text");
                assertEquals(shape(absent.json()), shape(foreign.json()), caller + " " + method + ": same fields");
            }
            StateHarness.Response list = harness.get(state(a), caller, Map.of());
            assertEquals(404, list.status(), caller + " cannot list A: " + list.text());
            assertEquals(harness.get(state(missing), caller, Map.of()).json().get("code"), list.json().get("code"));
            assertEquals(404, harness.get(state(a) + "/plan", caller, Map.of("If-None-Match", "*")).status(), "no 304 oracle either");
        }
        assertArrayEquals("A's plan".getBytes(StandardCharsets.UTF_8), harness.get(state(a) + "/plan", ADMIN, Map.of()).body(),
                "A's object is untouched");

        StateHarness.Response own = harness.put(state(b) + "/notes", "task-b", "mine".getBytes(StandardCharsets.UTF_8), Map.of());
        assertEquals(201, own.status(), "a task writes its own workspace's state: " + own.text());
        assertEquals("task:task_b", own.json().get("updatedBy").asText());
        assertEquals(200, harness.get(state(b) + "/notes", "member-b", Map.of()).status());
        assertEquals(1, harness.get(state(b), "task-b", Map.of()).json().get("objects").size(), "B lists only its own");
        assertEquals(200, harness.get(state(a) + "/plan", "task-a", Map.of()).status(), "A's task reads A");

        StateHarness.Response readOnly = harness.put(state(a) + "/plan", "reader-a", new byte[] {1}, Map.of());
        assertEquals(403, readOnly.status(), "workspace:read cannot write: " + readOnly.text());
        assertEquals(403, harness.delete(state(a) + "/plan", "reader-a", Map.of()).status());
        assertEquals(200, harness.get(state(a) + "/plan", "reader-a", Map.of()).status());
        assertEquals(401, harness.get(state(a) + "/plan", "nobody", Map.of()).status());
        assertEquals(404, harness.get(state(missing) + "/plan", ADMIN, Map.of()).status(), "a workspace that does not exist");
        assertEquals(404, harness.get("/v1/workspaces/not-an-id/state/plan", ADMIN, Map.of()).status());
    }

    private static Set<String> shape(JsonNode body) {
        Set<String> fields = new java.util.TreeSet<>();
        body.fieldNames().forEachRemaining(fields::add);
        return fields;
    }
}
