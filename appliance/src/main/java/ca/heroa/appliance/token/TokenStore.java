package ca.heroa.appliance.token;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tokens in storage. Every mutation appends its audit event in the same transaction.
 */
public interface TokenStore {
    Optional<TokenRecord> find(String tokenId);

    /** Creates a workspace token; false (nothing audited) if the workspace does not exist. */
    boolean create(TokenRecord token, AuditEvent event);

    List<TokenRecord> listForWorkspace(WorkspaceId workspace);

    /** Revokes a token of {@code workspace}; false (nothing audited) if there is no such active token there. */
    boolean revoke(WorkspaceId workspace, String tokenId, Instant at, AuditEvent event);

    /** Creates the first tenant-admin token unless an active one exists; true if it was created. */
    boolean createFirstAdmin(TokenRecord token, AuditEvent event);

    /** Revokes every tenant-admin token and creates {@code replacement}, atomically. */
    void rotateAdmin(TokenRecord replacement, Instant at, AuditEvent event);
}
