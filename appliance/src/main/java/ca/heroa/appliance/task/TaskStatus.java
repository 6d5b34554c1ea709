package ca.heroa.appliance.task;

import java.util.Locale;

/**
 * Where a task is in its life. Every final state has exactly one audit entry ({@link #auditAction()}).
 */
public enum TaskStatus {
    /** Accepted and audited; waiting for a slot. */
    QUEUED,
    /** Its container was created and started. */
    RUNNING,
    /** Its process exited with status 0. */
    SUCCEEDED,
    /** Its process exited with another status, was killed for memory, or its container could not start. */
    FAILED,
    /** It ran past its template's time limit and was killed. */
    TIMED_OUT,
    /** A caller cancelled it. */
    CANCELLED,
    /** The appliance stopped (crash) while it was queued or running; the reconciler removed what was left. */
    LOST;

    public boolean finished() {
        return switch (this) {
            case QUEUED, RUNNING -> false;
            case SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, LOST -> true;
        };
    }

    /** The audit action of the entry that records this final state. */
    public String auditAction() {
        return switch (this) {
            case QUEUED -> "task.accepted";
            case RUNNING -> "task.started";
            case SUCCEEDED -> "task.completed";
            case FAILED -> "task.failed";
            case TIMED_OUT -> "task.timed_out";
            case CANCELLED -> "task.cancelled";
            case LOST -> "task.lost";
        };
    }

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskStatus fromValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
