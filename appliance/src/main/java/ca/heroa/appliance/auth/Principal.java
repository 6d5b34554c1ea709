package ca.heroa.appliance.auth;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.http.RequestInfo;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/** Who is calling, as proven by a token. */
public sealed interface Principal {
    String tokenId();

    /** How the principal appears in audit entries. */
    String actor();

    default AuditEvent.Context auditContext(RequestInfo request) {
        return new AuditEvent.Context(actor(), Optional.of(request.requestId()), Optional.of(request.sourceAddress()));
    }

    /** The tenant admin: manages workspaces and tokens, reads the whole audit log. */
    record TenantAdmin(String tokenId) implements Principal {
        public TenantAdmin {
            requireNonNull(tokenId, "tokenId is null");
        }

        @Override
        public String actor() {
            return "tenant-admin:" + tokenId;
        }
    }

    /** A workspace member or CI: sees its own workspace only, within its scopes. */
    record WorkspaceMember(String tokenId, WorkspaceId workspace, Set<Scope> scopes, Optional<java.time.Instant> expiresAt)
            implements Principal {
        public WorkspaceMember {
            requireNonNull(tokenId, "tokenId is null");
            requireNonNull(workspace, "workspace is null");
            scopes = Set.copyOf(scopes);
            requireNonNull(expiresAt, "expiresAt is null");
        }

        @Override
        public String actor() {
            return "workspace-token:" + tokenId;
        }
    }

    /**
     * A running task, proven by the token delivered into its container; it reaches only its own workspace's state,
     * through the Unix socket mounted into that container, and only while it runs.
     */
    record Task(String taskId, WorkspaceId workspace) implements Principal {
        private static final Set<Scope> SCOPES = Set.of(Scope.WORKSPACE_READ, Scope.STATE_WRITE);

        public Task {
            requireNonNull(taskId, "taskId is null");
            requireNonNull(workspace, "workspace is null");
        }

        @Override
        public String tokenId() {
            return taskId;
        }

        public Set<Scope> scopes() {
            return SCOPES;
        }

        @Override
        public String actor() {
            return "task:" + taskId;
        }
    }
}
