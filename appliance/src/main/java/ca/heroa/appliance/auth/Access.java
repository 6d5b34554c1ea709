package ca.heroa.appliance.auth;

import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;

/**
 * The workspace boundary. A workspace token that names anything outside its own workspace gets exactly the
 * answer for something that does not exist (404), decided before any storage is read, so neither the body nor
 * the timing tells the two apart. Inside its workspace, a missing scope is a 403.
 */
public final class Access {
    private Access() {
    }

    public static void requireTenantAdmin(Principal principal) {
        if (!(principal instanceof Principal.TenantAdmin)) {
            throw new ApiException(ErrorCode.FORBIDDEN);
        }
    }

    /** The workspace named by {@code rawId}, if {@code principal} may see it with {@code scope}. */
    public static WorkspaceId workspace(Principal principal, String rawId, Scope scope) {
        WorkspaceId id = visibleWorkspace(principal, rawId);
        boolean allowed = switch (principal) {
            case Principal.TenantAdmin admin -> true;
            case Principal.WorkspaceMember member -> member.scopes().contains(scope);
            case Principal.Task task -> task.scopes().contains(scope);
        };
        if (!allowed) {
            throw new ApiException(ErrorCode.FORBIDDEN);
        }
        return id;
    }

    /** The workspace named by {@code rawId}, for an action only the tenant admin may take. */
    public static WorkspaceId workspaceForTenantAdmin(Principal principal, String rawId) {
        WorkspaceId id = visibleWorkspace(principal, rawId);
        requireTenantAdmin(principal);
        return id;
    }

    private static WorkspaceId visibleWorkspace(Principal principal, String rawId) {
        WorkspaceId id = WorkspaceId.parse(rawId).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
        return switch (principal) {
            case Principal.TenantAdmin admin -> id;
            case Principal.WorkspaceMember member -> {
                if (!member.workspace().equals(id)) {
                    throw new ApiException(ErrorCode.NOT_FOUND);
                }
                yield id;
            }
            case Principal.Task task -> {
                if (!task.workspace().equals(id)) {
                    throw new ApiException(ErrorCode.NOT_FOUND);
                }
                yield id;
            }
        };
    }
}
