package ca.heroa.appliance.api;

import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.auth.RequestAuthenticator;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ApiRoute;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.RequestInfo;
import ca.heroa.appliance.template.ManifestJson;
import ca.heroa.appliance.template.ReviewEvent;
import ca.heroa.appliance.template.TemplateCatalog;
import ca.heroa.appliance.template.TemplateKey;
import ca.heroa.appliance.template.TemplateManifest;
import ca.heroa.appliance.template.TemplateName;
import ca.heroa.appliance.template.TemplateSummary;
import ca.heroa.appliance.template.TemplateVersion;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code /v1/workspaces/{ws}/templates}: create versions, list and read what the workspace may see, submit a version
 * for review; and {@code GET /v1/schemas/template-manifest}, the manifest's published JSON Schema. Another workspace's
 * private or pending template answers exactly as one that does not exist.
 */
public final class TemplateService implements ApiService {
    public static final String SCHEMA_RESOURCE = "/ca/heroa/appliance/template-manifest.schema.json";
    private static final String SCHEMA_MEDIA_TYPE = "application/schema+json";
    private final RequestAuthenticator authenticator;
    private final WorkspaceStore workspaces;
    private final TemplateCatalog catalog;
    private final JsonCodec json;
    private final byte[] schema;

    public TemplateService(RequestAuthenticator authenticator, WorkspaceStore workspaces, TemplateCatalog catalog, JsonCodec json) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.json = requireNonNull(json, "json is null");
        this.schema = schemaDocument();
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.GET, "/v1/schemas/template-manifest", this::schema),
                new ApiRoute(Method.POST, "/v1/workspaces/{workspace}/templates", this::create),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/templates", this::list),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/templates/{name}", this::versions),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/templates/{name}/versions/{version}", this::version),
                new ApiRoute(Method.POST, "/v1/workspaces/{workspace}/templates/{name}/versions/{version}/submit", this::submit));
    }

    /** A template in a workspace's list; {@code public} once some version is approved. */
    record TemplateView(String name, int latestVersion, String status, String visibility, boolean owned, Instant updatedAt) {
        static TemplateView of(TemplateSummary summary) {
            return new TemplateView(summary.name().value(), summary.latestVersion(), summary.status().value(),
                    summary.published() ? "public" : "private", summary.owned(), summary.updatedAt());
        }
    }

    record TemplateList(List<TemplateView> templates) {
    }

    record ReviewView(String action, String actor, Instant at, Optional<String> comment) {
        static ReviewView of(ReviewEvent event) {
            return new ReviewView(event.action().value(), event.actor(), event.at(), event.comment());
        }
    }

    /**
     * One version. For another workspace's public template, who created it and its review history stay with that
     * workspace ({@code createdBy} and {@code reviews} are left out).
     */
    record VersionView(String name, int version, String status, String visibility, String image, Instant createdAt,
                       Optional<String> createdBy, JsonNode manifest, Optional<List<ReviewView>> reviews) {
        static VersionView of(TemplateVersion version, boolean owned, Optional<List<ReviewEvent>> history) {
            return new VersionView(version.key().name().value(), version.key().version(), version.status().value(),
                    owned && version.status() != ca.heroa.appliance.template.TemplateStatus.APPROVED ? "private" : "public",
                    version.manifest().image().value(), version.createdAt(), owned ? Optional.of(version.createdBy()) : Optional.empty(),
                    ManifestJson.toJson(version.manifest()), history.map(events -> events.stream().map(ReviewView::of).toList()));
        }
    }

    record VersionSummaryView(int version, String status, String image, Instant createdAt, Optional<String> createdBy) {
    }

    record VersionList(String name, boolean owned, List<VersionSummaryView> versions) {
    }

    private void schema(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, SCHEMA_MEDIA_TYPE);
        response.send(schema);
    }

    private void create(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.TEMPLATES_WRITE);
        TemplateManifest manifest = ManifestJson.parse(json.read(request, JsonNode.class), catalog.limits());
        TemplateVersion created = catalog.create(workspace, manifest, principal.auditContext(RequestInfo.of(request)));
        response.header(HeaderNames.LOCATION, "/v1/workspaces/" + workspace + "/templates/" + created.key().name() + "/versions/"
                + created.key().version());
        json.send(response, Status.CREATED_201, VersionView.of(created, true, Optional.empty()));
    }

    private void list(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        json.send(response, Status.OK_200, new TemplateList(catalog.list(workspace).stream().map(TemplateView::of).toList()));
    }

    private void versions(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        TemplateName name = name(request);
        List<TemplateVersion> versions = catalog.versions(workspace, name);
        if (versions.isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        boolean owned = versions.getFirst().key().workspace().equals(workspace);
        json.send(response, Status.OK_200, new VersionList(name.value(), owned, versions.stream()
                .map(version -> new VersionSummaryView(version.key().version(), version.status().value(), version.manifest().image().value(),
                        version.createdAt(), owned ? Optional.of(version.createdBy()) : Optional.empty()))
                .toList()));
    }

    private void version(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        TemplateCatalog.View view = catalog.version(workspace, name(request), version(request))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
        json.send(response, Status.OK_200, VersionView.of(view.version(), view.owned(),
                view.owned() ? Optional.of(view.history()) : Optional.empty()));
    }

    private void submit(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.TEMPLATES_WRITE);
        TemplateKey key = new TemplateKey(workspace, name(request), version(request));
        TemplateVersion submitted = catalog.submit(key, principal.auditContext(RequestInfo.of(request)));
        json.send(response, Status.OK_200, VersionView.of(submitted, true, Optional.empty()));
    }

    /** A name that cannot exist names nothing: 404, like any missing template. */
    static TemplateName name(ServerRequest request) {
        return TemplateName.parse(request.path().pathParameters().get("name")).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
    }

    static int version(ServerRequest request) {
        String text = request.path().pathParameters().get("version");
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(text) < 1) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        return Integer.parseInt(text);
    }

    private static byte[] schemaDocument() {
        try (InputStream in = TemplateService.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("template manifest schema missing from the build: " + SCHEMA_RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
