package ca.heroa.appliance.workspace;

/** Another workspace already has this name. */
public final class WorkspaceNameTakenException extends RuntimeException {
    public WorkspaceNameTakenException() {
        super("workspace name taken", null, false, false);
    }
}
