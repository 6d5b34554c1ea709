package ca.heroa.appliance.api;

import ca.heroa.appliance.auth.Authenticator;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ApiRoute;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.RequestInfo;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.vault.SecretName;
import ca.heroa.appliance.vault.SecretStore;
import ca.heroa.appliance.vault.SecretSummary;
import ca.heroa.appliance.vault.SecretVersion;
import ca.heroa.appliance.vault.Vault;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * {@code /v1/workspaces/{ws}/secrets}: write (new version), list, show versions, delete. Values go in as the raw
 * request body and never come out: no route returns one, and they appear in no log line, audit entry or error.
 */
public final class SecretService implements ApiService {
    private static final String OCTET_STREAM = "application/octet-stream";
    private final Authenticator authenticator;
    private final WorkspaceStore workspaces;
    private final Vault vault;
    private final JsonCodec json;

    public SecretService(Authenticator authenticator, WorkspaceStore workspaces, Vault vault, JsonCodec json) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.vault = requireNonNull(vault, "vault is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/secrets", this::list),
                new ApiRoute(Method.PUT, "/v1/workspaces/{workspace}/secrets/{name}", this::put),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/secrets/{name}", this::versions),
                new ApiRoute(Method.DELETE, "/v1/workspaces/{workspace}/secrets/{name}", this::delete));
    }

    record VersionView(String name, int version, Instant createdAt, String createdBy) {
        static VersionView of(SecretVersion version) {
            return new VersionView(version.name().value(), version.version(), version.createdAt(), version.createdBy());
        }
    }

    record SecretView(String name, int latestVersion, int versions, Instant updatedAt, String updatedBy) {
        static SecretView of(SecretSummary summary) {
            return new SecretView(summary.name().value(), summary.latestVersion(), summary.versions(), summary.updatedAt(), summary.updatedBy());
        }
    }

    record SecretList(List<SecretView> secrets) {
    }

    record VersionList(String name, List<VersionView> versions) {
    }

    private void list(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        json.send(response, Status.OK_200, new SecretList(vault.list(workspace).stream().map(SecretView::of).toList()));
    }

    private void put(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.SECRETS_WRITE);
        SecretName name = name(request);
        byte[] value = readValue(request);
        try {
            SecretStore.Put outcome = vault.put(workspace, name, value, principal.auditContext(RequestInfo.of(request)));
            switch (outcome) {
                case SecretStore.Put.Stored stored -> {
                    response.header(HeaderNames.LOCATION, "/v1/workspaces/" + workspace + "/secrets/" + name);
                    json.send(response, Status.CREATED_201, VersionView.of(stored.version()));
                }
                case SecretStore.Put.WorkspaceFull full -> throw new ApiException(ErrorCode.SECRET_LIMIT, Integer.toString(full.limit()));
            }
        } finally {
            Arrays.fill(value, (byte) 0);
        }
    }

    private void versions(ServerRequest request, ServerResponse response) {
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, authenticator.authenticate(request), request, Scope.WORKSPACE_READ);
        SecretName name = name(request);
        List<SecretVersion> versions = vault.versions(workspace, name);
        if (versions.isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        json.send(response, Status.OK_200, new VersionList(name.value(), versions.stream().map(VersionView::of).toList()));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = ExistingWorkspace.of(workspaces, principal, request, Scope.SECRETS_WRITE);
        if (!vault.delete(workspace, name(request), principal.auditContext(RequestInfo.of(request)))) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private static SecretName name(ServerRequest request) {
        return SecretName.parse(request.path().pathParameters().get("name"))
                .orElseThrow(() -> new ApiException(ErrorCode.INVALID_SECRET_NAME, Integer.toString(SecretName.MAX_LENGTH)));
    }

    /** The raw body, at most the vault's limit; the caller overwrites it. */
    private byte[] readValue(ServerRequest request) {
        String contentType = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("").toLowerCase(Locale.ROOT);
        if (!contentType.equals(OCTET_STREAM) && !contentType.startsWith(OCTET_STREAM + ";")) {
            throw new ApiException(ErrorCode.SECRET_MEDIA_TYPE);
        }
        int limit = vault.limits().maxValueBytes();
        long declared = request.headers().contentLength().orElse(-1L);
        if (declared > limit) {
            throw new ApiException(ErrorCode.BODY_TOO_LARGE, Integer.toString(limit));
        }
        try (InputStream in = request.content().inputStream()) {
            byte[] value = in.readNBytes(limit + 1);
            if (value.length > limit) {
                Arrays.fill(value, (byte) 0);
                throw new ApiException(ErrorCode.BODY_TOO_LARGE, Integer.toString(limit));
            }
            if (value.length == 0) {
                throw new ApiException(ErrorCode.EMPTY_SECRET);
            }
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
