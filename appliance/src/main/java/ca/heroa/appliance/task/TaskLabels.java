package ca.heroa.appliance.task;

/** The labels on every container the appliance creates, so the reconciler can find what a crash left behind. */
public final class TaskLabels {
    public static final String TASK_ID = "heroa.task-id";
    public static final String WORKSPACE = "heroa.workspace";
    public static final String APPLIANCE = "heroa.appliance";

    private TaskLabels() {
    }
}
