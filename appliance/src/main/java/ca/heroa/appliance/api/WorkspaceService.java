package ca.heroa.appliance.api;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.auth.Access;
import ca.heroa.appliance.custody.KeyRing;
import ca.heroa.appliance.auth.Authenticator;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ApiRoute;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.RequestInfo;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.Workspace;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceStore;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** {@code /v1/workspaces}: create, list, get, rename, delete. */
public final class WorkspaceService implements ApiService {
    private final java.util.function.Consumer<WorkspaceId> afterDelete;
    private final Authenticator authenticator;
    private final WorkspaceStore workspaces;
    private final KeyRing keys;
    private final JsonCodec json;
    private final Clock clock;

    public WorkspaceService(Authenticator authenticator, WorkspaceStore workspaces, KeyRing keys, JsonCodec json, Clock clock,
                            java.util.function.Consumer<WorkspaceId> afterDelete) {
        this.afterDelete = java.util.Objects.requireNonNull(afterDelete, "afterDelete is null");
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.GET, "/v1/workspaces", this::list),
                new ApiRoute(Method.POST, "/v1/workspaces", this::create),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}", this::get),
                new ApiRoute(Method.PATCH, "/v1/workspaces/{workspace}", this::rename),
                new ApiRoute(Method.DELETE, "/v1/workspaces/{workspace}", this::delete));
    }

    record NameBody(String name) {
    }

    record WorkspaceView(String id, String name, Instant createdAt) {
        static WorkspaceView of(Workspace workspace) {
            return new WorkspaceView(workspace.id().value(), workspace.name(), workspace.createdAt());
        }
    }

    record WorkspaceList(List<WorkspaceView> workspaces) {
    }

    private void list(ServerRequest request, ServerResponse response) {
        Access.requireTenantAdmin(authenticator.authenticate(request));
        json.send(response, Status.OK_200, new WorkspaceList(workspaces.list().stream().map(WorkspaceView::of).toList()));
    }

    private void create(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        Access.requireTenantAdmin(principal);
        String name = RequestNames.require(json.read(request, NameBody.class).name());
        Workspace workspace = new Workspace(WorkspaceId.random(), name, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        workspaces.create(workspace, AuditEvent.success(principal.auditContext(RequestInfo.of(request)),
                Optional.of(workspace.id().value()), "workspace.create", "workspace:" + workspace.id(), Map.of("name", name)));
        response.header(HeaderNames.LOCATION, "/v1/workspaces/" + workspace.id());
        json.send(response, Status.CREATED_201, WorkspaceView.of(workspace));
    }

    private void get(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId id = Access.workspace(principal, request.path().pathParameters().get("workspace"), Scope.WORKSPACE_READ);
        Workspace workspace = workspaces.find(id).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
        json.send(response, Status.OK_200, WorkspaceView.of(workspace));
    }

    private void rename(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId id = Access.workspaceForTenantAdmin(principal, request.path().pathParameters().get("workspace"));
        String name = RequestNames.require(json.read(request, NameBody.class).name());
        Workspace renamed = workspaces.rename(id, name, AuditEvent.success(principal.auditContext(RequestInfo.of(request)),
                        Optional.of(id.value()), "workspace.rename", "workspace:" + id, Map.of("name", name)))
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
        json.send(response, Status.OK_200, WorkspaceView.of(renamed));
    }

    /**
     * Deletes the workspace and crypto-erases it: its data key row is destroyed with it (audited with a destruction
     * record), and the key-encryption key is rotated around the deletion, so a copy of the wrapped data key in an older
     * backup no longer unwraps either. The HSM must answer first: without it nothing is deleted.
     */
    private void delete(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId id = Access.workspaceForTenantAdmin(principal, request.path().pathParameters().get("workspace"));
        if (workspaces.find(id).isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        AuditEvent.Context context = principal.auditContext(RequestInfo.of(request));
        boolean deleted = keys.erase(context, () -> workspaces.delete(id,
                AuditEvent.success(context, Optional.of(id.value()), "workspace.delete", "workspace:" + id, Map.of())));
        keys.forget(id);
        if (!deleted) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        // Its running tasks are stopped: nothing of a deleted workspace keeps running.
        afterDelete.accept(id);
        response.status(Status.NO_CONTENT_204).send();
    }
}
