package ca.heroa.appliance.template;

import ca.heroa.appliance.api.ReviewService;
import ca.heroa.appliance.api.TemplateService;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditUnavailableException;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.JsonLimits;
import ca.heroa.appliance.http.Problems;
import ca.heroa.appliance.http.RequestInfoFilter;
import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.persistence.Database;
import ca.heroa.appliance.persistence.GroupCommitLog;
import ca.heroa.appliance.persistence.PostgresAuditTrail;
import ca.heroa.appliance.persistence.PostgresTemplateStore;
import ca.heroa.appliance.persistence.PostgresWorkspaceStore;
import ca.heroa.appliance.testing.TestDatabase;
import ca.heroa.appliance.testing.TestResidency;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.Workspace;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.residency.plan.SiteAllowances;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The template and review services over a fresh migrated PostgreSQL, served by a plain-HTTP Helidon server with the
 * appliance's filter and problem mapping. Tokens are names of principals registered here (a hand-written authenticator),
 * so a test can have two distinct tenant admins, which the real appliance's single admin token cannot.
 */
final class TemplateTestServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final Database database;
    final GroupCommitLog log;
    final PostgresWorkspaceStore workspaces;
    final PostgresAuditTrail audit;
    final PostgresTemplateStore store;
    final TemplateCatalog catalog;
    final Set<String> heldImages = ConcurrentHashMap.newKeySet();
    private final Map<String, Principal> principals = new ConcurrentHashMap<>();
    private final WebServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    record Response(int status, String body, Map<String, java.util.List<String>> headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String code() {
            return json().path("code").asText();
        }
    }

    TemplateTestServer(TemplateLimits limits) {
        database = TestDatabase.fresh();
        log = new GroupCommitLog(database.dataSource(), 64, 1024);
        workspaces = new PostgresWorkspaceStore(database.dataSource(), log);
        audit = new PostgresAuditTrail(database.dataSource(), log);
        store = new PostgresTemplateStore(database.dataSource(), log);
        catalog = new TemplateCatalog(store, (workspace, image) -> heldImages.contains(workspace.value() + "/" + image.value()), limits,
                Clock.systemUTC(), TestResidency.planner(SiteAllowances.none())::checkDeclared);
        JsonCodec json = new JsonCodec(JsonLimits.defaults());
        Problems problems = new Problems(json);
        TemplateService templates = new TemplateService(this::authenticate, workspaces, catalog, json);
        ReviewService reviews = new ReviewService(this::authenticate, catalog, json);
        server = WebServer.builder().host("127.0.0.1").port(0).featuresDiscoverServices(false)
                .routing(routing -> {
                    routing.addFilter(new RequestInfoFilter());
                    routing.register(templates).register(reviews);
                    routing.any((request, response) -> problems.send(request, response, new ApiException(ErrorCode.NOT_FOUND)));
                    routing.error(ApiException.class, problems::send)
                            .error(AuditUnavailableException.class, (request, response, error) ->
                                    problems.send(request, response, new ApiException(ErrorCode.AUDIT_UNAVAILABLE)))
                            .error(Exception.class, problems::sendUnexpected);
                })
                .build().start();
    }

    private Principal authenticate(io.helidon.webserver.http.ServerRequest request) {
        String header = request.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        Principal principal = principals.get(header.replaceFirst("^Bearer ", ""));
        if (principal == null) {
            throw new ApiException(ErrorCode.UNAUTHENTICATED);
        }
        return principal;
    }

    /** A tenant admin whose token is {@code token} (its actor is {@code tenant-admin:<token>}). */
    String admin(String token) {
        principals.put(token, new Principal.TenantAdmin(token));
        return token;
    }

    String member(String token, WorkspaceId workspace, Scope... scopes) {
        principals.put(token, new Principal.WorkspaceMember(token, workspace, scopes.length == 0 ? Set.of() : EnumSet.of(scopes[0], scopes),
                Optional.empty()));
        return token;
    }

    WorkspaceId workspace(String name) {
        WorkspaceId id = WorkspaceId.random();
        workspaces.create(new Workspace(id, name, Instant.now().truncatedTo(ChronoUnit.MICROS)),
                AuditEvent.success(AuditEvent.Context.system(), Optional.of(id.value()), "workspace.create", "workspace:" + id, Map.of()));
        return id;
    }

    void hold(WorkspaceId workspace, ImageDigest image) {
        heldImages.add(workspace.value() + "/" + image.value());
    }

    Response get(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), token);
    }

    Response post(String path, String token, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)), token);
    }

    Response postEmpty(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()), token);
    }

    Response send(String method, String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody()), token);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private Response send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
        log.close();
        database.close();
    }
}
