package ca.heroa.appliance.workspace;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A workspace: the boundary of everything a workspace token can see. */
public record Workspace(WorkspaceId id, String name, Instant createdAt) {
    public Workspace {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
    }
}
