package ca.heroa.appliance.task;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Tasks in the database. Every change of state is written together with its audit entry, or not at all; a state
 * already final never changes again.
 */
public interface TaskStore {
    /** Stores a new {@link TaskStatus#QUEUED} task of this appliance with its {@code task.accepted} entry. */
    void accept(TaskRecord task, String applianceId, AuditEvent accepted);

    /** QUEUED → RUNNING with its {@code task.started} entry; false if the task is no longer queued. */
    boolean start(TaskId id, Instant at, AuditEvent started);

    /** QUEUED or RUNNING → a final state, with its sealed output and its final audit entry; false if already final. */
    boolean finish(TaskId id, Ending ending, AuditEvent event);

    Optional<TaskRecord> find(WorkspaceId workspace, TaskId id);

    /** The workspace's tasks, newest first, at most {@code limit}, older than {@code before} if given. */
    List<TaskRecord> list(WorkspaceId workspace, Optional<TaskId> before, int limit);

    /** The sealed stdout and stderr of a finished task (empty if it has none). */
    Optional<SealedOutput> output(WorkspaceId workspace, TaskId id);

    /** Tasks of this appliance still QUEUED or RUNNING: after a crash, the reconciler's work list. */
    List<TaskRecord> unfinished(String applianceId);

    /** How a task ended. */
    record Ending(TaskStatus status, Instant endedAt, Optional<Integer> exitCode, Optional<ResourceUsage> usage, Optional<String> reason,
                  Optional<SealedOutput> output) {
        public Ending {
            if (!status.finished()) {
                throw new IllegalArgumentException("an ending is a final state");
            }
        }
    }

    /** stdout and stderr sealed with the workspace's data key, named {@code <task>/stdout} and {@code <task>/stderr}, version 1. */
    record SealedOutput(Instant sealedAt, byte[] stdout, boolean stdoutTruncated, byte[] stderr, boolean stderrTruncated) {
    }
}
