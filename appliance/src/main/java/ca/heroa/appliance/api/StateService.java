package ca.heroa.appliance.api;

import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.auth.RequestAuthenticator;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ApiRoute;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.RequestInfo;
import ca.heroa.appliance.state.Precondition;
import ca.heroa.appliance.state.StateKey;
import ca.heroa.appliance.state.StateObject;
import ca.heroa.appliance.state.StatePage;
import ca.heroa.appliance.state.StateStore;
import ca.heroa.appliance.state.WorkspaceState;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceStore;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code /v1/workspaces/{ws}/state}: put, get, delete and list the workspace's state objects. Values are the raw request
 * and response bodies, with the content type they were written with; writes and deletions may be conditional on the
 * current version's ETag. The same routes serve a task's own Unix socket, where the caller is a
 * {@link Principal.Task}: that is why this takes a {@link RequestAuthenticator}.
 */
public final class StateService implements ApiService {
    static final String OBJECTS = "/v1/workspaces/{workspace}/state";
    static final String OBJECT = "/v1/workspaces/{workspace}/state/{key}";
    private static final int DEFAULT_LIMIT = 100;
    private static final String CURSOR_PREFIX = "k:";
    private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");

    private final RequestAuthenticator authenticator;
    private final WorkspaceStore workspaces;
    private final WorkspaceState state;
    private final JsonCodec json;

    public StateService(RequestAuthenticator authenticator, WorkspaceStore workspaces, WorkspaceState state, JsonCodec json) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.state = requireNonNull(state, "state is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.GET, OBJECTS, this::list),
                new ApiRoute(Method.PUT, OBJECT, this::put),
                new ApiRoute(Method.GET, OBJECT, this::get),
                new ApiRoute(Method.DELETE, OBJECT, this::delete));
    }

    /**
     * Routes as listed, except that {@code {key}} (OpenAPI syntax, one path parameter) is served as Helidon's
     * {@code {+key}}, which takes the rest of the path, slashes included: keys such as {@code agents/run-7/checkpoint.json}.
     */
    @Override
    public void routing(HttpRules rules) {
        routes().forEach(route -> rules.route(route.method(), route.path().replace("{key}", "{+key}"), route.handler()));
    }

    record ObjectView(String key, int version, String etag, int size, String contentType, Instant updatedAt, String updatedBy) {
        static ObjectView of(StateObject object) {
            return new ObjectView(object.key().value(), object.version(), object.etag().header(), object.size(), object.contentType(),
                    object.updatedAt(), object.updatedBy());
        }
    }

    record ObjectList(List<ObjectView> objects, Optional<String> nextCursor) {
    }

    private void list(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        UriQuery query = request.query();
        String prefix = query.contains("prefix") ? query.get("prefix") : "";
        if (!StateKey.validPrefix(prefix)) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "prefix");
        }
        Optional<StateKey> after = query.contains("cursor") ? Optional.of(cursor(query.get("cursor"))) : Optional.empty();
        int limit = query.contains("limit") ? limit(query.get("limit")) : DEFAULT_LIMIT;
        StatePage page = state.list(workspace, prefix, after, limit);
        json.send(response, Status.OK_200, new ObjectList(page.objects().stream().map(ObjectView::of).toList(),
                page.continueAfter().map(StateService::encodeCursor)));
    }

    private void put(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.STATE_WRITE);
        StateKey key = key(request);
        String contentType = contentType(request);
        Precondition precondition = precondition(request);
        byte[] value = readValue(request);
        try {
            StateStore.Put outcome = state.put(workspace, key, contentType, value, precondition, principal.auditContext(RequestInfo.of(request)));
            switch (outcome) {
                case StateStore.Put.Stored stored -> {
                    response.header(HeaderNames.ETAG, stored.object().etag().header());
                    if (stored.created()) {
                        response.header(HeaderNames.LOCATION, "/v1/workspaces/" + workspace + "/state/" + key);
                    }
                    json.send(response, stored.created() ? Status.CREATED_201 : Status.OK_200, ObjectView.of(stored.object()));
                }
                case StateStore.Put.PreconditionFailed failed -> throw new ApiException(ErrorCode.STATE_PRECONDITION_FAILED);
                case StateStore.Put.WorkspaceFull full -> throw new ApiException(ErrorCode.STATE_LIMIT, Integer.toString(full.limit()));
            }
        } finally {
            Arrays.fill(value, (byte) 0);
        }
    }

    private void get(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        StateKey key = key(request);
        switch (state.get(workspace, key, precondition(request))) {
            case WorkspaceState.Read.Found found -> {
                response.status(Status.OK_200);
                response.header(HeaderNames.ETAG, found.value().object().etag().header());
                response.header(HeaderNames.CONTENT_TYPE, found.value().contentType());
                response.header(HeaderNames.CACHE_CONTROL, "no-store");
                // The content type is the writer's choice: the client must not guess another.
                response.header(NOSNIFF, "nosniff");
                response.send(found.value().bytes());
            }
            case WorkspaceState.Read.NotModified notModified -> {
                response.status(Status.NOT_MODIFIED_304);
                response.header(HeaderNames.ETAG, notModified.object().etag().header());
                response.send();
            }
            case WorkspaceState.Read.Missing missing -> throw new ApiException(ErrorCode.NOT_FOUND);
        }
    }

    private void delete(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.STATE_WRITE);
        StateKey key = key(request);
        switch (state.delete(workspace, key, precondition(request), principal.auditContext(RequestInfo.of(request)))) {
            case StateStore.Delete.Deleted deleted -> response.status(Status.NO_CONTENT_204).send();
            case StateStore.Delete.Missing missing -> throw new ApiException(ErrorCode.NOT_FOUND);
            case StateStore.Delete.PreconditionFailed failed -> throw new ApiException(ErrorCode.STATE_PRECONDITION_FAILED);
        }
    }

    /**
     * The key, read from the path exactly as the client sent it. Helidon routes on a normalised, decoded path, in which
     * {@code a/../b} became {@code b}, {@code a//b} became {@code a/b}, {@code a;x/b} lost its matrix parameter and
     * {@code %2F} became a separator; a key taken from there would be one the client never wrote. A valid key needs no
     * percent-encoding, so the raw form is the key, and anything that needed decoding or normalising is refused.
     */
    private static StateKey key(ServerRequest request) {
        return rawKey(request.prologue().uriPath().rawPath()).flatMap(StateKey::parse).orElseThrow(StateService::invalidKey);
    }

    /** The raw text after {@code /v1/workspaces/<ws>/state/}, if {@code rawPath} has that form. */
    static Optional<String> rawKey(String rawPath) {
        String[] parts = rawPath.split("/", 6);
        if (parts.length == 6 && parts[0].isEmpty() && parts[1].equals("v1") && parts[2].equals("workspaces") && parts[4].equals("state")) {
            return Optional.of(parts[5]);
        }
        return Optional.empty();
    }

    /**
     * Refuses, before routing, a request whose raw path names a state key that is not valid. Helidon normalises dot
     * and empty segments before it routes, so {@code .../state/..} or {@code .../state/a/..} would otherwise reach
     * another route, or none, instead of being refused as a key. Register it on every routing that serves these routes.
     */
    public static Filter keyFilter() {
        return (chain, request, response) -> {
            Optional<String> raw = rawKey(request.prologue().uriPath().rawPath());
            if (raw.isPresent() && StateKey.parse(raw.get()).isEmpty()) {
                throw invalidKey();
            }
            chain.proceed();
        };
    }

    private static ApiException invalidKey() {
        return new ApiException(ErrorCode.INVALID_STATE_KEY, Integer.toString(StateKey.MAX_LENGTH));
    }

    private static String contentType(ServerRequest request) {
        String contentType = request.headers().first(HeaderNames.CONTENT_TYPE).map(String::strip).orElse(WorkspaceState.DEFAULT_CONTENT_TYPE);
        if (!WorkspaceState.validContentType(contentType)) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "Content-Type");
        }
        return contentType;
    }

    private static Precondition precondition(ServerRequest request) {
        return Precondition.of(header(request, HeaderNames.IF_MATCH), header(request, HeaderNames.IF_NONE_MATCH));
    }

    private static Optional<String> header(ServerRequest request, HeaderName name) {
        if (!request.headers().contains(name)) {
            return Optional.empty();
        }
        return Optional.of(String.join(",", request.headers().get(name).allValues()));
    }

    /** The raw body, at most the configured limit; the caller overwrites it. */
    private byte[] readValue(ServerRequest request) {
        int limit = state.settings().maxValueBytes();
        long declared = request.headers().contentLength().orElse(-1L);
        if (declared > limit) {
            throw new ApiException(ErrorCode.BODY_TOO_LARGE, Integer.toString(limit));
        }
        if (!request.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] value = in.readNBytes(limit + 1);
            if (value.length > limit) {
                Arrays.fill(value, (byte) 0);
                throw new ApiException(ErrorCode.BODY_TOO_LARGE, Integer.toString(limit));
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= StateStore.MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "limit");
    }

    static String encodeCursor(StateKey after) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((CURSOR_PREFIX + after.value()).getBytes(StandardCharsets.US_ASCII));
    }

    private static StateKey cursor(String value) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII);
            if (decoded.startsWith(CURSOR_PREFIX)) {
                Optional<StateKey> key = StateKey.parse(decoded.substring(CURSOR_PREFIX.length()));
                if (key.isPresent()) {
                    return key.get();
                }
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new ApiException(ErrorCode.INVALID_CURSOR);
    }
}
