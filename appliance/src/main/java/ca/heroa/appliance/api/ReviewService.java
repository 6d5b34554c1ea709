package ca.heroa.appliance.api;

import ca.heroa.appliance.auth.Access;
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
import ca.heroa.appliance.template.TemplateVersion;
import ca.heroa.appliance.workspace.WorkspaceId;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code /v1/reviews}: the tenant admin's queue of submitted template versions, and approving (which makes a version
 * public) or rejecting them. A reviewer never reviews a version it created.
 */
public final class ReviewService implements ApiService {
    private final RequestAuthenticator authenticator;
    private final TemplateCatalog catalog;
    private final JsonCodec json;

    public ReviewService(RequestAuthenticator authenticator, TemplateCatalog catalog, JsonCodec json) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.GET, "/v1/reviews", this::pending),
                new ApiRoute(Method.POST, "/v1/reviews/{workspace}/{name}/{version}/approve", this::approve),
                new ApiRoute(Method.POST, "/v1/reviews/{workspace}/{name}/{version}/reject", this::reject));
    }

    record PendingView(String workspace, String name, int version, String image, Instant createdAt, String createdBy, JsonNode manifest) {
        static PendingView of(TemplateVersion version) {
            return new PendingView(version.key().workspace().value(), version.key().name().value(), version.key().version(),
                    version.manifest().image().value(), version.createdAt(), version.createdBy(), ManifestJson.toJson(version.manifest()));
        }
    }

    record PendingList(List<PendingView> reviews) {
    }

    record ReviewBody(String comment) {
    }

    record ReviewedView(String workspace, String name, int version, String status, String image) {
        static ReviewedView of(TemplateVersion version) {
            return new ReviewedView(version.key().workspace().value(), version.key().name().value(), version.key().version(),
                    version.status().value(), version.manifest().image().value());
        }
    }

    private void pending(ServerRequest request, ServerResponse response) {
        Access.requireTenantAdmin(authenticator.authenticate(request));
        json.send(response, Status.OK_200, new PendingList(catalog.pending().stream().map(PendingView::of).toList()));
    }

    private void approve(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        TemplateKey key = key(principal, request);
        Optional<String> comment = request.content().hasEntity() ? comment(json.read(request, ReviewBody.class)) : Optional.empty();
        TemplateVersion approved = catalog.approve(key, comment, principal.auditContext(RequestInfo.of(request)));
        json.send(response, Status.OK_200, ReviewedView.of(approved));
    }

    private void reject(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        TemplateKey key = key(principal, request);
        if (!request.content().hasEntity()) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "comment");
        }
        String comment = comment(json.read(request, ReviewBody.class)).orElseThrow(() -> new ApiException(ErrorCode.MISSING_FIELD, "comment"));
        TemplateVersion rejected = catalog.reject(key, comment, principal.auditContext(RequestInfo.of(request)));
        json.send(response, Status.OK_200, ReviewedView.of(rejected));
    }

    /** The version named by the path; a workspace token gets 404 for another workspace and 403 for its own. */
    private static TemplateKey key(Principal principal, ServerRequest request) {
        WorkspaceId workspace = Access.workspaceForTenantAdmin(principal, request.path().pathParameters().get("workspace"));
        return new TemplateKey(workspace, TemplateService.name(request), TemplateService.version(request));
    }

    /** A comment with some text in it, at most {@value ReviewEvent#MAX_COMMENT} characters; blank is no comment. */
    private static Optional<String> comment(ReviewBody body) {
        if (body.comment() == null || body.comment().isBlank()) {
            return Optional.empty();
        }
        if (TemplateManifest.length(body.comment()) > ReviewEvent.MAX_COMMENT) {
            throw new ApiException(ErrorCode.STRING_TOO_LONG, Integer.toString(ReviewEvent.MAX_COMMENT));
        }
        return Optional.of(body.comment());
    }
}
