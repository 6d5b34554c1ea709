package ca.heroa.appliance.api;

import ca.heroa.appliance.auth.Access;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceStore;
import io.helidon.webserver.http.ServerRequest;

/** The {@code {workspace}} of a request's path, once the caller may use it with a scope and it exists: else 404 (or 403). */
final class ExistingWorkspace {
    private ExistingWorkspace() {
    }

    static WorkspaceId of(WorkspaceStore workspaces, Principal principal, ServerRequest request, Scope scope) {
        WorkspaceId workspace = Access.workspace(principal, request.path().pathParameters().get("workspace"), scope);
        if (workspaces.find(workspace).isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        return workspace;
    }
}
