package ca.heroa.appliance.token;

import java.util.Arrays;
import java.util.Optional;

/** What a workspace token may do inside its workspace. A tenant-admin token may do everything. */
public enum Scope {
    WORKSPACE_READ("workspace:read"),
    TOKENS_MANAGE("tokens:manage"),
    AUDIT_READ("audit:read"),
    SECRETS_WRITE("secrets:write"),
    IMAGES_WRITE("images:write"),
    TEMPLATES_WRITE("templates:write"),
    TASKS_RUN("tasks:run"),
    STATE_WRITE("state:write");

    private final String value;

    Scope(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public static Optional<Scope> fromValue(String value) {
        return Arrays.stream(values()).filter(scope -> scope.value.equals(value)).findFirst();
    }
}
