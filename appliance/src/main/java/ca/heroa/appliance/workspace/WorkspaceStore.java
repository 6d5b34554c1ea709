package ca.heroa.appliance.workspace;

import ca.heroa.appliance.audit.AuditEvent;

import java.util.List;
import java.util.Optional;

/**
 * Workspaces in storage. Every mutation appends its audit event in the same transaction: both happen or
 * neither does.
 */
public interface WorkspaceStore {
    /** Creates the workspace; throws {@link WorkspaceNameTakenException} if the name is in use. */
    void create(Workspace workspace, AuditEvent event);

    Optional<Workspace> find(WorkspaceId id);

    List<Workspace> list();

    /** Renames; empty (and nothing audited) if the workspace does not exist. */
    Optional<Workspace> rename(WorkspaceId id, String name, AuditEvent event);

    /** Deletes the workspace and its tokens; false (and nothing audited) if it does not exist. */
    boolean delete(WorkspaceId id, AuditEvent event);
}
