package ca.heroa.appliance.task;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.podman.ContainerId;
import ca.heroa.residency.plan.EgressPlan;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static java.util.Objects.requireNonNull;

/** One accepted task while this appliance holds it: queued, then running, until its final state is stored. */
final class Execution {
    private final TaskRecord accepted;
    private final RunnableTemplate template;
    private final Optional<byte[]> input;
    private final AuditEvent.Context context;
    private final EgressPlan plan;
    private final CompletableFuture<TaskRecord> done = new CompletableFuture<>();
    private volatile Optional<String> cancelledBecause = Optional.empty();
    private volatile Optional<ContainerId> container = Optional.empty();
    private volatile java.nio.file.Path logFile;
    private volatile Thread waiting;

    Execution(TaskRecord accepted, RunnableTemplate template, EgressPlan plan, Optional<byte[]> input, AuditEvent.Context context) {
        this.accepted = requireNonNull(accepted, "accepted is null");
        this.template = requireNonNull(template, "template is null");
        this.input = requireNonNull(input, "input is null");
        this.context = requireNonNull(context, "context is null");
        this.plan = requireNonNull(plan, "plan is null");
    }

    TaskRecord accepted() {
        return accepted;
    }

    RunnableTemplate template() {
        return template;
    }

    /** What the task may reach, decided when it was accepted (names resolved then, once). */
    EgressPlan plan() {
        return plan;
    }

    Optional<byte[]> input() {
        return input;
    }

    AuditEvent.Context context() {
        return context;
    }

    CompletableFuture<TaskRecord> done() {
        return done;
    }

    /** The thread waiting for a slot for this task, or null once it has one. */
    void waitingOn(Thread current) {
        this.waiting = current;
    }

    void container(ContainerId id) {
        this.container = Optional.of(id);
    }

    Optional<ContainerId> container() {
        return container;
    }

    void logFile(java.nio.file.Path file) {
        this.logFile = file;
    }

    /** Where the container's output goes (on the runtime tmpfs); set once its directory exists. */
    java.nio.file.Path logFile() {
        return logFile;
    }

    /** Marks it cancelled; a queued task stops waiting for a slot. Returns the container to kill, if it has one. */
    Optional<ContainerId> cancel(String reason) {
        cancelledBecause = Optional.of(reason);
        Thread current = waiting;
        if (current != null) {
            current.interrupt();
        }
        return container;
    }

    Optional<String> cancelledBecause() {
        return cancelledBecause;
    }
}
