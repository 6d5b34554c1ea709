package ca.heroa.appliance.barrier;

/** What a sealed object is; part of its associated data, so a secret never opens as a state object or the reverse. */
public enum ObjectKind {
    SECRET("secret"),
    STATE("state"),
    TASK_OUTPUT("task-output");

    private final String value;

    ObjectKind(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }
}
