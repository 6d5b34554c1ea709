package ca.heroa.appliance.image;

import ca.heroa.appliance.workspace.WorkspaceId;

import java.util.Optional;

/** Who still needs an image a workspace wants to delete (the lead wires this to templates). */
@FunctionalInterface
public interface ImageUsage {
    /** Nobody uses any image: for tests and for an appliance without templates. */
    ImageUsage NONE = (workspace, digest) -> Optional.empty();

    /** The name of something in {@code workspace} that names {@code digest} (e.g. a template), if any. */
    Optional<String> usedBy(WorkspaceId workspace, ImageDigest digest);
}
