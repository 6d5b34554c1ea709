package ca.heroa.appliance.task;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.Outcome;
import ca.heroa.appliance.barrier.Barrier;
import ca.heroa.appliance.barrier.ObjectKind;
import ca.heroa.appliance.egress.TaskEgress;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.podman.ContainerId;
import ca.heroa.appliance.podman.ContainerSummary;
import ca.heroa.appliance.podman.PodmanClient;
import ca.heroa.appliance.vault.SecretName;
import ca.heroa.appliance.vault.Vault;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.residency.plan.EgressPlan;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Accepts tasks and runs them: at most {@code max-concurrent} at once, at most {@code max-queued} waiting, beyond
 * that a 429 with Retry-After. Each accepted task is audited before anything else happens, runs on its own virtual
 * thread through {@link TaskRunner}, and ends in a final state with its audit entry. At start, {@link #reconcile()}
 * removes whatever a crash left behind.
 */
public final class TaskRuntime implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TaskRuntime.class.getName());
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final TaskSettings settings;
    private final String applianceId;
    private final PodmanClient podman;
    private final TaskStore store;
    private final TemplateResolver templates;
    private final Vault vault;
    private final Barrier barrier;
    private final Cgroups cgroups;
    private final TaskEgress egress;
    private final TaskRunner runner;
    private final Clock clock;
    private final Semaphore slots;
    private final AtomicInteger admitted = new AtomicInteger();
    private final Map<TaskId, Execution> executions = new ConcurrentHashMap<>();
    private final ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("heroa-task-", 0).factory());
    private volatile boolean closed;

    public TaskRuntime(TaskSettings settings, String applianceId, PodmanClient podman, TaskStore store, TemplateResolver templates, Vault vault,
                       Barrier barrier, TaskApi api, Path cgroupRoot, Path seccompProfile, TaskEgress egress, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.applianceId = requireNonNull(applianceId, "applianceId is null");
        this.podman = requireNonNull(podman, "podman is null");
        this.store = requireNonNull(store, "store is null");
        this.templates = requireNonNull(templates, "templates is null");
        this.vault = requireNonNull(vault, "vault is null");
        this.barrier = requireNonNull(barrier, "barrier is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.egress = requireNonNull(egress, "egress is null");
        this.cgroups = new Cgroups(cgroupRoot, settings.cgroupParent() + "/" + applianceId);
        this.runner = new TaskRunner(settings, applianceId, podman, store, vault, barrier, api, cgroups, seccompProfile, egress, clock);
        this.slots = new Semaphore(settings.maxConcurrent(), true);
        TaskDirectory.prepareRoot(settings.runtimeDirectory());
    }

    public TaskSettings settings() {
        return settings;
    }

    /**
     * Accepts a task: resolves its template, checks its secrets exist, plans its egress (names resolved now, every
     * address checked; 422 otherwise), takes a place in line (or refuses with 429), and stores it with its
     * {@code task.accepted} entry, which records the plan. It then runs in the background.
     */
    public TaskRecord submit(WorkspaceId workspace, TaskRequest request, AuditEvent.Context context) {
        if (closed) {
            throw new ApiException(ErrorCode.SERVICE_UNAVAILABLE);
        }
        RunnableTemplate template = templates.resolve(workspace, request.template(), request.version())
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
        for (SecretName secret : template.secrets()) {
            if (vault.versions(workspace, secret).isEmpty()) {
                throw new ApiException(ErrorCode.UNKNOWN_SECRET, secret.value());
            }
        }
        EgressPlan plan = egress.plan(template.egress());
        if (admitted.incrementAndGet() > settings.maxConcurrent() + settings.maxQueued()) {
            admitted.decrementAndGet();
            throw new ApiException(ErrorCode.TASK_QUEUE_FULL, Long.toString(retryAfterSeconds()));
        }
        try {
            TaskRecord task = TaskRecord.queued(TaskId.random(), workspace, template, context.actor(), clock.instant().truncatedTo(ChronoUnit.MICROS));
            store.accept(task, applianceId, event(context, task, "task.accepted", Outcome.SUCCESS, EgressDetails.plan(plan)));
            Execution execution = new Execution(task, template, plan, request.input(), context);
            executions.put(task.id(), execution);
            threads.execute(() -> run(execution));
            return task;
        } catch (RuntimeException e) {
            admitted.decrementAndGet();
            throw e;
        }
    }

    private void run(Execution execution) {
        TaskId id = execution.accepted().id();
        try {
            execution.waitingOn(Thread.currentThread());
            boolean slot = false;
            try {
                slots.acquire();
                slot = true;
            } catch (InterruptedException e) {
                Thread.interrupted();
            } finally {
                execution.waitingOn(null);
                // A cancel racing with the slot must not leave an interrupt behind for the Podman calls.
                Thread.interrupted();
            }
            try {
                runner.run(execution);
            } finally {
                if (slot) {
                    slots.release();
                }
            }
        } catch (RuntimeException e) {
            // The final state could not be stored (audit log down): the task stays unfinished, and the next start marks it lost.
            LOG.log(Level.ERROR, "task " + id + " ended but its final state was not stored: " + e.getMessage());
        } finally {
            admitted.decrementAndGet();
            executions.remove(id);
            execution.done().complete(execution.accepted());
        }
    }

    /** Seconds a refused caller should wait: about the time for a slot to free up, at least one. */
    private long retryAfterSeconds() {
        return Math.max(1, Math.min(60, admitted.get() / settings.maxConcurrent()));
    }

    public Optional<TaskRecord> find(WorkspaceId workspace, TaskId id) {
        return store.find(workspace, id);
    }

    public List<TaskRecord> list(WorkspaceId workspace, Optional<TaskId> before, int limit) {
        return store.list(workspace, before, limit);
    }

    /** Waits up to {@code wait} (bounded by {@code max-wait}) for the task to end, then returns it as stored. */
    public Optional<TaskRecord> await(WorkspaceId workspace, TaskId id, Duration wait) {
        Execution execution = executions.get(id);
        if (execution != null && execution.accepted().workspace().equals(workspace)) {
            Duration bounded = wait.compareTo(settings.maxWait()) > 0 ? settings.maxWait() : wait;
            try {
                execution.done().get(bounded.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // Still running: the caller gets its current state.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
        }
        return store.find(workspace, id);
    }

    /** The task's output, opened with its workspace's data key; empty if the task has none (yet). */
    public Optional<TaskOutput> output(WorkspaceId workspace, TaskId id) {
        return store.output(workspace, id).map(sealed -> barrier.inWorkspace(workspace, sealer -> new TaskOutput(
                sealer.open(ObjectKind.TASK_OUTPUT, id + "/stdout", 1, sealed.sealedAt(), sealed.stdout()), sealed.stdoutTruncated(),
                sealer.open(ObjectKind.TASK_OUTPUT, id + "/stderr", 1, sealed.sealedAt(), sealed.stderr()), sealed.stderrTruncated())));
    }

    /** Cancels a queued or running task (its container is killed); TASK_FINISHED if it already ended, 404 if unknown. */
    public TaskRecord cancel(WorkspaceId workspace, TaskId id, AuditEvent.Context context) {
        TaskRecord task = store.find(workspace, id).orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
        Execution execution = executions.get(id);
        if (task.status().finished() || execution == null) {
            throw new ApiException(ErrorCode.TASK_FINISHED, task.status().value());
        }
        execution.cancel("cancelled-by:" + context.actor()).ifPresent(this::kill);
        return task;
    }

    /** Cancels every task of a workspace that was just deleted (its containers are killed). */
    public void cancelWorkspace(WorkspaceId workspace) {
        executions.values().stream().filter(execution -> execution.accepted().workspace().equals(workspace))
                .forEach(execution -> execution.cancel("workspace-deleted").ifPresent(this::kill));
    }

    private void kill(ContainerId container) {
        try {
            podman.killContainer(container);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not kill container " + container.value() + ": " + e.getMessage());
        }
    }

    /**
     * After a crash: removes every container labelled with this appliance (no task of this process runs yet), marks
     * every task still queued or running as lost with its audit entry, and removes leftover cgroups and task files.
     */
    public Reconciliation reconcile() {
        Set<String> withContainer = new HashSet<>();
        int removed = 0;
        for (ContainerSummary container : podman.listContainers(TaskLabels.APPLIANCE)) {
            if (!applianceId.equals(container.labels().get(TaskLabels.APPLIANCE))) {
                continue;
            }
            Optional.ofNullable(container.labels().get(TaskLabels.TASK_ID)).ifPresent(withContainer::add);
            podman.removeContainer(container.id());
            removed++;
        }
        int lost = 0;
        for (TaskRecord task : store.unfinished(applianceId)) {
            Map<String, String> details = new HashMap<>();
            details.put("reason", "appliance-restarted");
            details.put("containerRemoved", Boolean.toString(withContainer.contains(task.id().value())));
            if (store.finish(task.id(), new TaskStore.Ending(TaskStatus.LOST, clock.instant().truncatedTo(ChronoUnit.MICROS), Optional.empty(),
                    Optional.empty(), Optional.of("appliance-restarted"), Optional.empty()),
                    event(AuditEvent.Context.system(), task, TaskStatus.LOST.auditAction(), Outcome.FAILURE, details))) {
                lost++;
            }
        }
        for (TaskId leftover : cgroups.leftovers()) {
            cgroups.remove(leftover);
        }
        TaskDirectory.removeLeftovers(settings.runtimeDirectory());
        // Network namespaces and host rules of tasks a crash interrupted; the host's wall is put back whole.
        egress.start();
        if (removed > 0 || lost > 0) {
            LOG.log(Level.WARNING, "reconciler: removed " + removed + " leftover containers and marked " + lost + " tasks lost after a restart");
        }
        return new Reconciliation(removed, lost);
    }

    /** What {@link #reconcile()} found. */
    public record Reconciliation(int containersRemoved, int tasksLost) {
    }

    /** The audit entry of a step of {@code task}: template name, version, owner and image digest, and {@code more}. */
    static AuditEvent event(AuditEvent.Context context, TaskRecord task, String action, Outcome outcome, Map<String, String> more) {
        Map<String, String> details = new HashMap<>(more);
        details.put("templateName", task.templateName());
        details.put("templateVersion", Integer.toString(task.templateVersion()));
        details.put("templateWorkspace", task.templateOwner().value());
        details.put("imageDigest", task.image().value());
        return AuditEvent.of(context, Optional.of(task.workspace().value()), action, "task:" + task.id(), outcome, details);
    }

    /** Stops accepting, cancels what runs (containers killed, tasks recorded as cancelled) and waits for them to end. */
    @Override
    public void close() {
        closed = true;
        executions.values().forEach(execution -> execution.cancel("appliance-stopped").ifPresent(this::kill));
        threads.shutdown();
        try {
            if (!threads.awaitTermination(SHUTDOWN_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "tasks still ending at shutdown; the next start's reconciler finishes them");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (TaskId leftover : cgroups.leftovers()) {
            cgroups.remove(leftover);
        }
        cgroups.removeBase();
        egress.close();
        try {
            java.nio.file.Files.deleteIfExists(settings.runtimeDirectory());
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "the task runtime directory " + settings.runtimeDirectory() + " is not empty at shutdown; the next start cleans it");
        }
    }
}
