package ca.heroa.appliance.state;

import ca.heroa.appliance.api.StateService;
import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditUnavailableException;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.barrier.Barrier;
import ca.heroa.appliance.barrier.BarrierIntegrityException;
import ca.heroa.appliance.custody.KeyRing;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.JsonLimits;
import ca.heroa.appliance.http.Problems;
import ca.heroa.appliance.http.RequestInfoFilter;
import ca.heroa.appliance.persistence.Database;
import ca.heroa.appliance.persistence.GroupCommitLog;
import ca.heroa.appliance.persistence.PostgresAuditTrail;
import ca.heroa.appliance.persistence.PostgresStateStore;
import ca.heroa.appliance.persistence.PostgresWorkspaceStore;
import ca.heroa.appliance.persistence.PostgresWrappedKeyStore;
import ca.heroa.appliance.persistence.StorageUnavailableException;
import ca.heroa.appliance.testing.TestCustody;
import ca.heroa.appliance.testing.TestDatabase;
import ca.heroa.appliance.workspace.Workspace;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.hsm.KeyCustody;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state API over real HTTP and a real, fresh PostgreSQL database with real custody (SoftHSM2), built without the
 * rest of the appliance. Callers are chosen principals: a bearer token here is just a name in {@link #principals}.
 * {@link #secondNode()} serves the same database through its own audit writer, like a second appliance process.
 */
final class StateHarness implements AutoCloseable {
    final Database database;
    final GroupCommitLog log;
    final PostgresWorkspaceStore workspaces;
    final KeyCustody custody;
    final KeyRing keys;
    final WorkspaceState state;
    final Map<String, Principal> principals = new ConcurrentHashMap<>();
    private final StateSettings settings;
    private final List<Node> nodes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    /** One server with its own audit writer over the shared database. */
    record Node(GroupCommitLog log, WebServer server) {
    }

    StateHarness(StateSettings settings) {
        this.settings = settings;
        database = TestDatabase.fresh();
        log = new GroupCommitLog(database.dataSource(), 64, 4096);
        workspaces = new PostgresWorkspaceStore(database.dataSource(), log);
        custody = TestCustody.open();
        keys = new KeyRing(custody, new PostgresWrappedKeyStore(database.dataSource()), new PostgresAuditTrail(database.dataSource(), log),
                Duration.ofMinutes(5), Clock.systemUTC());
        state = new WorkspaceState(new PostgresStateStore(database.dataSource(), log), new Barrier(keys), settings, Clock.systemUTC());
        nodes.add(new Node(log, serve(state)));
    }

    /** A second server on the same database and keys, with an audit writer (so transactions) of its own. */
    int secondNode() {
        GroupCommitLog other = new GroupCommitLog(database.dataSource(), 64, 4096);
        WorkspaceState otherState = new WorkspaceState(new PostgresStateStore(database.dataSource(), other), new Barrier(keys), settings,
                Clock.systemUTC());
        Node node = new Node(other, serve(otherState));
        nodes.add(node);
        return node.server().port();
    }

    int port() {
        return nodes.getFirst().server().port();
    }

    private WebServer serve(WorkspaceState served) {
        JsonCodec json = new JsonCodec(JsonLimits.defaults());
        Problems problems = new Problems(json);
        StateService service = new StateService(request -> authenticate(request.headers().first(HeaderNames.AUTHORIZATION)), workspaces,
                served, json);
        return WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .maxPayloadSize(settings.maxValueBytes() * 2L)
                .featuresDiscoverServices(false)
                .routing(routing -> {
                    routing.addFilter(new RequestInfoFilter());
                    routing.addFilter(StateService.keyFilter());
                    routing.register(service);
                    routing.any((request, response) -> problems.send(request, response, new ApiException(ErrorCode.NOT_FOUND)));
                    // The appliance's mapping (Appliance.errorHandling), for what these routes can throw.
                    routing.error(ApiException.class, problems::send)
                            .error(AuditUnavailableException.class, (request, response, error) ->
                                    problems.send(request, response, new ApiException(ErrorCode.AUDIT_UNAVAILABLE)))
                            .error(StorageUnavailableException.class, (request, response, error) ->
                                    problems.send(request, response, new ApiException(ErrorCode.SERVICE_UNAVAILABLE)))
                            .error(BarrierIntegrityException.class, (request, response, error) ->
                                    problems.send(request, response, new ApiException(ErrorCode.INTEGRITY_FAILURE)))
                            .error(Exception.class, problems::sendUnexpected);
                })
                .build()
                .start();
    }

    private Principal authenticate(Optional<String> authorization) {
        return authorization.filter(value -> value.startsWith("Bearer "))
                .map(value -> principals.get(value.substring("Bearer ".length())))
                .orElseThrow(() -> new ApiException(ErrorCode.UNAUTHENTICATED));
    }

    WorkspaceId workspace(String name) {
        Workspace workspace = new Workspace(WorkspaceId.random(), name + "-" + java.util.UUID.randomUUID().toString().substring(0, 8),
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        workspaces.create(workspace, AuditEvent.success(AuditEvent.Context.system(), Optional.empty(), "workspace.create",
                "workspace:" + workspace.id(), Map.of()));
        return workspace.id();
    }

    /** An HTTP answer, with the body as bytes. */
    record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        com.fasterxml.jackson.databind.JsonNode json() {
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + text(), e);
            }
        }

        String code() {
            return json().path("code").asText();
        }
    }

    Response send(String method, String path, String token, Optional<byte[]> body, Map<String, String> headers) {
        return send(port(), method, path, token, body, headers);
    }

    Response send(int port, String method, String path, String token, Optional<byte[]> body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body.map(HttpRequest.BodyPublishers::ofByteArray).orElse(HttpRequest.BodyPublishers.noBody()))
                .header("Authorization", "Bearer " + token);
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Response put(String path, String token, byte[] value, Map<String, String> headers) {
        return send("PUT", path, token, Optional.of(value), headers);
    }

    Response get(String path, String token, Map<String, String> headers) {
        return send("GET", path, token, Optional.empty(), headers);
    }

    Response delete(String path, String token, Map<String, String> headers) {
        return send("DELETE", path, token, Optional.empty(), headers);
    }

    @Override
    public void close() {
        nodes.forEach(node -> node.server().stop());
        keys.close();
        custody.close();
        nodes.forEach(node -> node.log().close());
        database.close();
    }
}
