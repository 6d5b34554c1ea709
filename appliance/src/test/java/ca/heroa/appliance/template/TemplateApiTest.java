package ca.heroa.appliance.template;

import ca.heroa.appliance.api.ReviewService;
import ca.heroa.appliance.api.TemplateService;
import ca.heroa.appliance.audit.AuditEntry;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditQuery;
import ca.heroa.appliance.audit.AuditUnavailableException;
import ca.heroa.appliance.audit.Outcome;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.JsonLimits;
import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.persistence.GroupCommitLog;
import ca.heroa.appliance.persistence.PostgresTemplateStore;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promise 6 through the API, over real PostgreSQL: private templates stay with their workspace until a tenant admin
 * other than their author approves them; approved versions never change; every step is audited.
 */
class TemplateApiTest {
    private static final int MAX_VERSIONS = 5;
    private static TemplateTestServer server;
    private static String reviewer;
    private static String otherReviewer;

    @BeforeAll
    static void start() {
        TemplateLimits standard = TemplateLimits.standard();
        server = new TemplateTestServer(new TemplateLimits(standard.defaults(), standard.maxima(), MAX_VERSIONS));
        reviewer = server.admin("admin-one");
        otherReviewer = server.admin("admin-two");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A workspace, a member token with every template scope, and an image it holds. */
    private record Tenant(WorkspaceId id, String token, ImageDigest image) {
        String templates() {
            return "/v1/workspaces/" + id + "/templates";
        }
    }

    private static Tenant tenant(String label) {
        WorkspaceId id = server.workspace(label + "-" + UUID.randomUUID().toString().substring(0, 8));
        String token = server.member("member-" + id, id, Scope.WORKSPACE_READ, Scope.TEMPLATES_WRITE);
        ImageDigest image = digest(label + id);
        server.hold(id, image);
        return new Tenant(id, token, image);
    }

    private static ImageDigest digest(String seed) {
        try {
            return new ImageDigest("sha256:" + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(seed.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String manifest(String name, ImageDigest image, String greeting) {
        return """
                {"name": "%s", "image": "%s", "command": ["/bin/sh", "-c", "echo $GREETING"],
                 "environment": {"GREETING": "%s"}, "resources": {"memoryMiB": 128}}""".formatted(name, image, greeting);
    }

    private static JsonNode create(Tenant tenant, String name, String greeting) {
        TemplateTestServer.Response response = server.post(tenant.templates(), tenant.token(), manifest(name, tenant.image(), greeting));
        assertEquals(201, response.status(), "create: " + response.body());
        return response.json();
    }

    private static String version(Tenant tenant, String name, int version) {
        return tenant.templates() + "/" + name + "/versions/" + version;
    }

    private static String review(Tenant tenant, String name, int version, String action) {
        return "/v1/reviews/" + tenant.id() + "/" + name + "/" + version + "/" + action;
    }

    private static void submit(Tenant tenant, String name, int version) {
        TemplateTestServer.Response response = server.postEmpty(version(tenant, name, version) + "/submit", tenant.token());
        assertEquals(200, response.status(), "submit: " + response.body());
        assertEquals("pending_review", response.json().get("status").asText());
    }

    private static List<AuditEntry> audit(WorkspaceId workspace, String action) {
        return server.audit.query(new AuditQuery(Optional.of(workspace.value()), Optional.of(action), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 100)).entries();
    }

    @Test
    void createsNumberedPrivateVersionsWithTheSiteDefaultsWrittenIn() {
        Tenant a = tenant("create");
        JsonNode first = create(a, "hello", "bonjour");
        assertEquals(1, first.get("version").asInt());
        assertEquals("private", first.get("status").asText());
        assertEquals("private", first.get("visibility").asText());
        assertEquals(a.image().value(), first.get("image").asText());
        assertEquals("workspace-token:" + a.token(), first.get("createdBy").asText(), "the creating actor is recorded");
        assertEquals(128, first.at("/manifest/resources/memoryMiB").asInt(), "given resources are kept");
        assertEquals(1000, first.at("/manifest/resources/cpuMillis").asInt(), "absent resources get the site default");
        JsonNode second = create(a, "hello", "salut");
        assertEquals(2, second.get("version").asInt(), "a change is a new version");
        JsonNode one = server.get(version(a, "hello", 1), a.token()).json();
        assertEquals("bonjour", one.at("/manifest/environment/GREETING").asText(), "version 1 is unchanged by version 2");
        JsonNode list = server.get(a.templates(), a.token()).json().get("templates");
        assertEquals(1, list.size(), "one template: " + list);
        assertEquals(2, list.get(0).get("latestVersion").asInt());
        assertEquals("private", list.get(0).get("visibility").asText());
    }

    @Test
    void refusesInvalidManifestsUnknownImagesAndEgressWithTheirOwnCodes() {
        Tenant a = tenant("refusals");
        TemplateTestServer.Response invalid = server.post(a.templates(), a.token(),
                "{\"name\":\"x\",\"image\":\"" + a.image() + "\",\"command\":[\"a\\u0000b\"]}");
        assertEquals(400, invalid.status(), invalid.body());
        assertEquals("invalid_manifest", invalid.code());
        assertTrue(invalid.json().get("detail").asText().contains("/command/0: contains NUL"), "the detail says where and why: " + invalid.body());

        TemplateTestServer.Response unknown = server.post(a.templates(), a.token(), manifest("x", digest("never uploaded"), "hi"));
        assertEquals(422, unknown.status(), unknown.body());
        assertEquals("unknown_image", unknown.code());

        Tenant b = tenant("refusals-b");
        TemplateTestServer.Response foreignImage = server.post(a.templates(), a.token(), manifest("x", b.image(), "hi"));
        assertEquals("unknown_image", foreignImage.code(), "an image of another workspace is unknown here");

        String egress = "{\"name\":\"x\",\"image\":\"" + a.image() + "\",\"command\":[\"true\"],"
                + "\"egress\":[{\"host\":\"api.example.ca\",\"ports\":[443],\"protocol\":\"tcp\"}]}";
        TemplateTestServer.Response refused = server.post(a.templates(), a.token(), egress);
        assertEquals(422, refused.status(), refused.body());
        assertEquals("egress_refused", refused.code(), "the default site allows nothing: " + refused.body());
        assertEquals("not_allowed_by_site", refused.json().get("refusedEndpoints").get(0).get("reason").asText(), refused.body());
        TemplateTestServer.Response malformed = server.post(a.templates(), a.token(), egress.replace("443", "0"));
        assertEquals("invalid_manifest", malformed.code(), "a malformed egress entry is an invalid manifest first: " + malformed.body());

        TemplateTestServer.Response overSite = server.post(a.templates(), a.token(),
                manifest("x", a.image(), "hi").replace("\"memoryMiB\": 128", "\"memoryMiB\": 4097"));
        assertEquals("invalid_manifest", overSite.code());
        assertTrue(overSite.json().get("detail").asText().contains("/resources/memoryMiB: above the site maximum 4096"), overSite.body());
        assertTrue(stream(server.get(a.templates(), a.token()).json().get("templates")).noneMatch(item -> item.get("owned").asBoolean()),
                "nothing refused was stored");
        assertTrue(audit(a.id(), "template.create").isEmpty(), "nothing refused was audited as created");
    }

    @Test
    void aWorkspaceHoldsAtMostItsVersionLimit() {
        Tenant a = tenant("limit");
        for (int i = 0; i < MAX_VERSIONS; i++) {
            create(a, "t" + i % 2, "v" + i);
        }
        TemplateTestServer.Response full = server.post(a.templates(), a.token(), manifest("t0", a.image(), "one more"));
        assertEquals(409, full.status(), full.body());
        assertEquals("template_limit", full.code());
    }

    @Test
    void aPrivateOrPendingTemplateOfAIsInvisibleAndUnresolvableFromBUntilApproved() {
        Tenant a = tenant("owner");
        Tenant b = tenant("stranger");
        create(a, "secret-sauce", "hi");
        assertInvisibleToB(a, b, "secret-sauce", "while private");

        submit(a, "secret-sauce", 1);
        assertInvisibleToB(a, b, "secret-sauce", "while pending review");

        TemplateTestServer.Response rejected = server.post(review(a, "secret-sauce", 1, "reject"), reviewer, "{\"comment\":\"needs a timeout\"}");
        assertEquals(200, rejected.status(), rejected.body());
        assertInvisibleToB(a, b, "secret-sauce", "after rejection");

        submit(a, "secret-sauce", 1);
        TemplateTestServer.Response approved = server.post(review(a, "secret-sauce", 1, "approve"), reviewer, "{}");
        assertEquals(200, approved.status(), approved.body());
        assertEquals("approved", approved.json().get("status").asText());

        ResolvedTemplate resolved = server.catalog.resolve(b.id(), "secret-sauce", Optional.empty()).orElseThrow(
                () -> new AssertionError("B resolves the approved template"));
        assertEquals(a.id(), resolved.owner());
        assertEquals(1, resolved.version());
        assertEquals(TemplateStatus.APPROVED, resolved.status());
        JsonNode listed = listed(b, "secret-sauce").orElseThrow(() -> new AssertionError("B lists the public template"));
        assertEquals("public", listed.get("visibility").asText());
        assertFalse(listed.get("owned").asBoolean());
        JsonNode seen = server.get(b.templates() + "/secret-sauce/versions/1", b.token()).json();
        assertEquals("public", seen.get("visibility").asText());
        assertTrue(seen.path("createdBy").isMissingNode(), "B does not learn who in A wrote it: " + seen);
        assertTrue(seen.path("reviews").isMissingNode(), "A's review history stays with A: " + seen);

        // A later private version of the same template is A's alone: B still gets the approved one.
        create(a, "secret-sauce", "draft");
        assertEquals(1, server.catalog.resolve(b.id(), "secret-sauce", Optional.empty()).orElseThrow().version());
        assertTrue(server.catalog.resolve(b.id(), "secret-sauce", Optional.of(2)).isEmpty(), "B cannot run A's private version 2");
        assertEquals(404, server.get(b.templates() + "/secret-sauce/versions/2", b.token()).status());
        assertEquals(2, server.catalog.resolve(a.id(), "secret-sauce", Optional.empty()).orElseThrow().version(), "A runs its newest");
    }

    private static void assertInvisibleToB(Tenant a, Tenant b, String name, String when) {
        assertTrue(server.catalog.resolve(b.id(), name, Optional.empty()).isEmpty(), "B cannot resolve A's template " + when);
        assertTrue(server.catalog.resolve(b.id(), name, Optional.of(1)).isEmpty(), "B cannot resolve A's version 1 " + when);
        assertTrue(listed(b, name).isEmpty(), "B's list does not name it " + when);
        for (String path : List.of(b.templates() + "/" + name, b.templates() + "/" + name + "/versions/1")) {
            TemplateTestServer.Response foreign = server.get(path, b.token());
            TemplateTestServer.Response missing = server.get(path.replace(name, "no-such-template"), b.token());
            assertEquals(404, foreign.status(), when + ": " + path);
            assertEquals(missing.code(), foreign.code(), when + ": same code as a missing template");
            assertEquals(missing.json().get("detail"), foreign.json().get("detail"), when + ": same text as a missing template");
        }
        TemplateTestServer.Response viaA = server.get(version(a, name, 1), b.token());
        assertEquals(404, viaA.status(), "B's token naming A's workspace gets 404 " + when);
        TemplateTestServer.Response submitViaA = server.postEmpty(version(a, name, 1) + "/submit", b.token());
        assertEquals(404, submitViaA.status(), "B cannot submit A's template " + when);
    }

    @Test
    void anAuthorCannotReviewTheirOwnVersionAndTheAttemptIsAudited() {
        Tenant a = tenant("self");
        TemplateTestServer.Response created = server.post(a.templates(), reviewer, manifest("mine", a.image(), "hi"));
        assertEquals(201, created.status(), created.body());
        assertEquals("tenant-admin:" + reviewer, created.json().get("createdBy").asText());
        submit(a, "mine", 1);
        for (String action : List.of("approve", "reject")) {
            TemplateTestServer.Response self = server.post(review(a, "mine", 1, action), reviewer, "{\"comment\":\"looks fine to me\"}");
            assertEquals(403, self.status(), action + ": " + self.body());
            assertEquals("self_review", self.code());
        }
        assertEquals("pending_review", server.get(version(a, "mine", 1), a.token()).json().get("status").asText(), "still pending");
        List<AuditEntry> denied = audit(a.id(), "template.approve");
        assertEquals(1, denied.size(), "the self-approval attempt is audited");
        assertEquals(Outcome.DENIED, denied.getFirst().event().outcome());

        TemplateTestServer.Response other = server.post(review(a, "mine", 1, "approve"), otherReviewer, "{}");
        assertEquals(200, other.status(), "another tenant admin approves: " + other.body());
    }

    @Test
    void onlyATenantAdminReviewsAndOnlyPendingVersions() {
        Tenant a = tenant("who");
        Tenant b = tenant("who-b");
        create(a, "tool", "hi");
        TemplateTestServer.Response notPending = server.post(review(a, "tool", 1, "approve"), reviewer, "{}");
        assertEquals(409, notPending.status(), notPending.body());
        assertEquals("review_not_pending", notPending.code());
        assertTrue(notPending.json().get("detail").asText().contains("private"), "the detail names the status: " + notPending.body());
        submit(a, "tool", 1);
        String allScopes = server.member("member-all-" + a.id(), a.id(), Scope.WORKSPACE_READ, Scope.TEMPLATES_WRITE, Scope.TOKENS_MANAGE,
                Scope.AUDIT_READ, Scope.SECRETS_WRITE, Scope.IMAGES_WRITE, Scope.TASKS_RUN, Scope.STATE_WRITE);
        assertEquals(403, server.post(review(a, "tool", 1, "approve"), allScopes, "{}").status(), "a workspace token never reviews");
        assertEquals(404, server.post(review(a, "tool", 1, "approve"), b.token(), "{}").status(), "another workspace's token sees nothing");
        assertEquals(403, server.get("/v1/reviews", a.token()).status(), "the review queue is the tenant admin's");
        JsonNode queue = server.get("/v1/reviews", reviewer).json().get("reviews");
        assertTrue(stream(queue).anyMatch(item -> item.get("workspace").asText().equals(a.id().value())
                && item.get("name").asText().equals("tool") && item.get("manifest").isObject()), "the queue lists it with its manifest: " + queue);
        assertEquals(200, server.post(review(a, "tool", 1, "approve"), reviewer, "{}").status());
        TemplateTestServer.Response twice = server.post(review(a, "tool", 1, "approve"), otherReviewer, "{}");
        assertEquals("review_not_pending", twice.code());
        assertTrue(twice.json().get("detail").asText().contains("approved"), twice.body());
        assertEquals(404, server.post(review(a, "tool", 9, "approve"), reviewer, "{}").status(), "a missing version is 404");
    }

    @Test
    void rejectingNeedsACommentThatTheHistoryKeepsAndTheAuditOnlyMeasures() {
        Tenant a = tenant("reject");
        create(a, "draft", "hi");
        submit(a, "draft", 1);
        assertEquals("missing_field", server.postEmpty(review(a, "draft", 1, "reject"), reviewer).code(), "no body");
        assertEquals("missing_field", server.post(review(a, "draft", 1, "reject"), reviewer, "{}").code(), "no comment");
        assertEquals("missing_field", server.post(review(a, "draft", 1, "reject"), reviewer, "{\"comment\":\"   \"}").code(), "blank");
        assertEquals("string_too_long", server.post(review(a, "draft", 1, "reject"), reviewer,
                "{\"comment\":\"" + "x".repeat(2001) + "\"}").code(), "over 2000 characters");
        String comment = "Pin the timeout below 30 s, please";
        TemplateTestServer.Response rejected = server.post(review(a, "draft", 1, "reject"), reviewer, "{\"comment\":\"" + comment + "\"}");
        assertEquals(200, rejected.status(), rejected.body());
        assertEquals("rejected", rejected.json().get("status").asText());
        JsonNode history = server.get(version(a, "draft", 1), a.token()).json().get("reviews");
        assertEquals(List.of("submitted", "rejected"), stream(history).map(event -> event.get("action").asText()).toList());
        assertEquals(comment, history.get(1).get("comment").asText(), "the author reads the reviewer's comment");
        assertEquals("tenant-admin:" + reviewer, history.get(1).get("actor").asText());
        AuditEntry entry = audit(a.id(), "template.reject").getFirst();
        assertEquals(Integer.toString(comment.length()), entry.event().details().get("commentLength"));
        assertFalse(entry.event().details().values().stream().anyMatch(value -> value.contains("timeout")), "no comment text in the audit");
        submit(a, "draft", 1);
    }

    @Test
    void everyStepIsAuditedWithNameVersionAndImage() {
        Tenant a = tenant("audited");
        create(a, "steps", "hi");
        submit(a, "steps", 1);
        server.post(review(a, "steps", 1, "reject"), reviewer, "{\"comment\":\"no\"}");
        submit(a, "steps", 1);
        server.post(review(a, "steps", 1, "approve"), reviewer, "{\"comment\":\"ok\"}");
        for (String action : List.of("template.create", "template.submit", "template.approve", "template.reject")) {
            List<AuditEntry> entries = audit(a.id(), action);
            assertFalse(entries.isEmpty(), action + " is audited");
            AuditEvent event = entries.getFirst().event();
            assertEquals("template:steps:1", event.target(), action);
            assertEquals("steps", event.details().get("name"), action);
            assertEquals("1", event.details().get("version"), action);
            assertEquals(a.image().value(), event.details().get("image"), action);
            assertEquals(Outcome.SUCCESS, event.outcome(), action);
        }
        assertEquals(2, audit(a.id(), "template.submit").size(), "both submissions");
        assertEquals("2", audit(a.id(), "template.approve").getFirst().event().details().get("commentLength"));
    }

    @Test
    void withoutItsAuditEntryNothingHappens() {
        Tenant a = tenant("fail-closed");
        GroupCommitLog closed = new GroupCommitLog(server.database.dataSource(), 8, 8);
        closed.close();
        TemplateCatalog catalog = new TemplateCatalog(new PostgresTemplateStore(server.database.dataSource(), closed),
                (workspace, image) -> true, TemplateLimits.standard(), Clock.systemUTC(), declared -> List.of());
        TemplateManifest manifest = ManifestJson.parse(json(manifest("unaudited", a.image(), "hi")), TemplateLimits.standard());
        assertThrows(AuditUnavailableException.class, () -> catalog.create(a.id(), manifest, AuditEvent.Context.system()));
        assertTrue(server.catalog.versions(a.id(), new TemplateName("unaudited")).isEmpty(), "no version without its audit entry");

        create(a, "unaudited", "hi");
        assertThrows(AuditUnavailableException.class, () -> catalog.submit(new TemplateKey(a.id(), new TemplateName("unaudited"), 1),
                AuditEvent.Context.system()));
        assertEquals(TemplateStatus.PRIVATE, server.catalog.versions(a.id(), new TemplateName("unaudited")).getFirst().status(),
                "not submitted without its audit entry");
    }

    @Test
    void approvedVersionsNeverChange() throws SQLException {
        Tenant a = tenant("immutable");
        create(a, "stable", "v1");
        submit(a, "stable", 1);
        assertEquals(200, server.post(review(a, "stable", 1, "approve"), reviewer, "{}").status());
        String before = server.get(version(a, "stable", 1), a.token()).json().get("manifest").toString();

        List<String> mutating = Stream.concat(
                        new TemplateService(request -> { throw new AssertionError(); }, server.workspaces, server.catalog,
                                new JsonCodec(JsonLimits.defaults())).routes().stream(),
                        new ReviewService(request -> { throw new AssertionError(); }, server.catalog, new JsonCodec(JsonLimits.defaults()))
                                .routes().stream())
                .filter(route -> !route.method().text().equals("GET"))
                .map(route -> route.method().text() + " " + route.path()).sorted().toList();
        assertEquals(List.of("POST /v1/reviews/{workspace}/{name}/{version}/approve", "POST /v1/reviews/{workspace}/{name}/{version}/reject",
                "POST /v1/workspaces/{workspace}/templates", "POST /v1/workspaces/{workspace}/templates/{name}/versions/{version}/submit"),
                mutating, "no route edits or deletes a version");
        for (String method : List.of("PUT", "PATCH", "DELETE")) {
            assertEquals(404, server.send(method, version(a, "stable", 1), a.token()).status(), method + " of a version");
        }
        assertEquals("review_not_pending", server.postEmpty(version(a, "stable", 1) + "/submit", a.token()).code(),
                "an approved version cannot go back into review");
        JsonNode next = create(a, "stable", "v2");
        assertEquals(2, next.get("version").asInt(), "a change is a new, private version");
        assertEquals("private", next.get("status").asText());
        assertEquals(before, server.get(version(a, "stable", 1), a.token()).json().get("manifest").toString(), "version 1 unchanged");

        try (Connection db = DriverManager.getConnection(server.database.jdbcUrl(), "postgres", "")) {
            for (String sql : List.of("UPDATE template_version SET manifest = '{}' WHERE workspace_id = ? AND name = 'stable'",
                    "UPDATE template_version SET status = 'private' WHERE workspace_id = ? AND name = 'stable' AND version = 1")) {
                try (PreparedStatement update = db.prepareStatement(sql)) {
                    update.setString(1, a.id().value());
                    assertThrows(SQLException.class, update::executeUpdate, "the database refuses: " + sql);
                }
            }
        }
        assertEquals(before, server.get(version(a, "stable", 1), a.token()).json().get("manifest").toString(), "still unchanged");
    }

    @Test
    void aPublicNameBelongsToTheFirstWorkspaceThatPublishedIt() {
        Tenant a = tenant("first");
        Tenant b = tenant("second");
        String name = "shared-" + UUID.randomUUID().toString().substring(0, 6);
        create(a, name, "a");
        create(b, name, "b");
        submit(a, name, 1);
        submit(b, name, 1);
        assertEquals(200, server.post(review(a, name, 1, "approve"), reviewer, "{}").status());
        TemplateTestServer.Response taken = server.post(review(b, name, 1, "approve"), reviewer, "{}");
        assertEquals(409, taken.status(), taken.body());
        assertEquals("name_taken", taken.code());
        assertEquals("b", server.catalog.resolve(b.id(), name, Optional.empty()).orElseThrow().manifest().environment().get("GREETING"),
                "B's own template shadows A's public one for B");
        Tenant c = tenant("third");
        assertEquals(a.id(), server.catalog.resolve(c.id(), name, Optional.empty()).orElseThrow().owner(), "everyone else gets A's");
    }

    @Test
    void anImageIsInUseWhileItsWorkspaceOrAnApprovedTemplateNamesIt() {
        Tenant a = tenant("image");
        Tenant b = tenant("image-b");
        assertEquals(Optional.empty(), server.catalog.imageUsedBy(a.id(), a.image()));
        create(a, "runner", "hi");
        assertEquals(Optional.of("runner:1"), server.catalog.imageUsedBy(a.id(), a.image()));
        assertEquals(Optional.empty(), server.catalog.imageUsedBy(b.id(), a.image()), "a private template of A does not pin B's copy");
        submit(a, "runner", 1);
        server.post(review(a, "runner", 1, "approve"), reviewer, "{}");
        assertEquals(Optional.of("runner:1"), server.catalog.imageUsedBy(b.id(), a.image()), "an approved template pins it everywhere");
    }

    @Test
    void theSchemaIsServedWithoutAuthentication() {
        TemplateTestServer.Response schema = server.get("/v1/schemas/template-manifest", null);
        assertEquals(200, schema.status());
        assertEquals("application/schema+json", schema.headers().get("content-type").getFirst());
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.json().get("$schema").asText());
    }

    @Test
    void aWorkspaceTokenWithoutTemplatesWriteCannotCreateOrSubmit() {
        Tenant a = tenant("scopes");
        String reader = server.member("reader-" + a.id(), a.id(), Scope.WORKSPACE_READ);
        assertEquals(403, server.post(a.templates(), reader, manifest("x", a.image(), "hi")).status());
        create(a, "x", "hi");
        assertEquals(403, server.postEmpty(version(a, "x", 1) + "/submit", reader).status());
        assertEquals(200, server.get(version(a, "x", 1), reader).status(), "workspace:read reads");
    }

    private static JsonNode json(String text) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Optional<JsonNode> listed(Tenant viewer, String name) {
        return stream(server.get(viewer.templates(), viewer.token()).json().get("templates"))
                .filter(item -> item.get("name").asText().equals(name)).findFirst();
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }

}
