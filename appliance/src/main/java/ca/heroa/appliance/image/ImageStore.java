package ca.heroa.appliance.image;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Which images each workspace holds; every change is audited in the same transaction. */
public interface ImageStore {
    /** Outcome of recording an upload. */
    sealed interface Add {
        record Added(WorkspaceImage image) implements Add {
        }

        /** The workspace already holds this image; the record is unchanged and nothing is audited. */
        record AlreadyHeld(WorkspaceImage image) implements Add {
        }

        /** The workspace holds as many images as it may. */
        record WorkspaceFull(int limit) implements Add {
        }

        /** The workspace was deleted meanwhile. */
        record NoWorkspace() implements Add {
        }
    }

    Add add(WorkspaceId workspace, WorkspaceImage image, int maxImages, Function<WorkspaceImage, AuditEvent> event);

    /** Oldest first. */
    List<WorkspaceImage> list(WorkspaceId workspace);

    Optional<WorkspaceImage> find(WorkspaceId workspace, ImageDigest digest);

    /** What the task runtime asks before it runs an image for a workspace. */
    boolean holds(WorkspaceId workspace, ImageDigest digest);

    /** Whether any workspace's record names this image (then it stays in Podman's storage). */
    boolean anyHolds(ImageDigest digest);

    /** Deletes the record; false if there was none. */
    boolean delete(WorkspaceId workspace, ImageDigest digest, Function<WorkspaceImage, AuditEvent> event);
}
