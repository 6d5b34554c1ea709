package ca.heroa.appliance.task;

import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A task as stored: what ran, for whom, and how it ended. Output is kept sealed with the workspace's data key and
 * only opened for an API read ({@link TaskOutput}).
 *
 * @param reason why a task failed or was lost, as a stable code (e.g. {@code oom-killed}, {@code appliance-restarted})
 */
public record TaskRecord(TaskId id, WorkspaceId workspace, WorkspaceId templateOwner, String templateName, int templateVersion,
                         ImageDigest image, TaskStatus status, String requestedBy, Instant createdAt, Optional<Instant> startedAt,
                         Optional<Instant> endedAt, Optional<Integer> exitCode, Optional<ResourceUsage> usage, Optional<String> reason,
                         boolean stdoutTruncated, boolean stderrTruncated) {
    public TaskRecord {
        requireNonNull(id, "id is null");
        requireNonNull(workspace, "workspace is null");
        requireNonNull(templateOwner, "templateOwner is null");
        requireNonNull(templateName, "templateName is null");
        requireNonNull(image, "image is null");
        requireNonNull(status, "status is null");
        requireNonNull(requestedBy, "requestedBy is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(endedAt, "endedAt is null");
        requireNonNull(exitCode, "exitCode is null");
        requireNonNull(usage, "usage is null");
        requireNonNull(reason, "reason is null");
    }

    static TaskRecord queued(TaskId id, WorkspaceId workspace, RunnableTemplate template, String requestedBy, Instant at) {
        return new TaskRecord(id, workspace, template.owner(), template.name(), template.version(), template.image(), TaskStatus.QUEUED,
                requestedBy, at, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false);
    }
}
