package ca.heroa.appliance.template;

import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.workspace.WorkspaceId;

/** The image store, as templates see it: a workspace may name only an image it uploaded. */
@FunctionalInterface
public interface WorkspaceImages {
    boolean holds(WorkspaceId workspace, ImageDigest image);
}
