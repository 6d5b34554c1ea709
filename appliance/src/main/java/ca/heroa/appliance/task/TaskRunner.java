package ca.heroa.appliance.task;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.Outcome;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.barrier.Barrier;
import ca.heroa.appliance.barrier.ObjectKind;
import ca.heroa.appliance.egress.TaskEgress;
import ca.heroa.appliance.podman.BindMount;
import ca.heroa.appliance.podman.ContainerId;
import ca.heroa.appliance.podman.ContainerInfo;
import ca.heroa.appliance.podman.ContainerLogs;
import ca.heroa.appliance.podman.ContainerSpec;
import ca.heroa.appliance.podman.PodmanClient;
import ca.heroa.appliance.podman.TmpfsMount;
import ca.heroa.appliance.vault.SecretName;
import ca.heroa.appliance.vault.SecretValue;
import ca.heroa.appliance.vault.Vault;
import ca.heroa.residency.nft.EgressCounters;
import ca.heroa.residency.network.TaskNetwork;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Runs one task from its slot to its final state: a fresh hardened container (see {@link PodmanClient} for the
 * flags no template can change), its secrets, token and input written into its tmpfs directory before its process
 * starts, its state socket, the wait with a deadline, then exit code, output and cgroup usage, and removal of
 * everything it had. The final state and its audit entry are stored last.
 */
final class TaskRunner {
    private static final System.Logger LOG = System.getLogger(TaskRunner.class.getName());
    private static final long MIB = 1024L * 1024;
    private static final Duration KILL_GRACE = Duration.ofSeconds(15);
    /** No name server at all: the names a task may reach are pinned in its /etc/hosts, so DNS cannot carry data out. */
    private static final String RESOLV_CONF = "# Written by the Heroa appliance: no name server. Allowed names are in /etc/hosts.\n";

    private final TaskSettings settings;
    private final String applianceId;
    private final PodmanClient podman;
    private final TaskStore store;
    private final Vault vault;
    private final Barrier barrier;
    private final TaskApi api;
    private final Cgroups cgroups;
    private final java.nio.file.Path seccompProfile;
    private final TaskEgress egress;
    private final Clock clock;

    TaskRunner(TaskSettings settings, String applianceId, PodmanClient podman, TaskStore store, Vault vault, Barrier barrier, TaskApi api,
               Cgroups cgroups, java.nio.file.Path seccompProfile, TaskEgress egress, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.applianceId = requireNonNull(applianceId, "applianceId is null");
        this.podman = requireNonNull(podman, "podman is null");
        this.store = requireNonNull(store, "store is null");
        this.vault = requireNonNull(vault, "vault is null");
        this.barrier = requireNonNull(barrier, "barrier is null");
        this.api = requireNonNull(api, "api is null");
        this.cgroups = requireNonNull(cgroups, "cgroups is null");
        this.seccompProfile = requireNonNull(seccompProfile, "seccompProfile is null");
        this.egress = requireNonNull(egress, "egress is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Runs the task and stores how it ended. Never throws for a task's failure; only a failing audit log stops the record. */
    void run(Execution execution) {
        TaskRecord task = execution.accepted();
        if (execution.cancelledBecause().isPresent()) {
            finish(execution, new Result(TaskStatus.CANCELLED, Optional.empty(), Optional.empty(), execution.cancelledBecause(), Optional.empty()),
                    Map.of());
            return;
        }
        TaskDirectory directory = null;
        TaskSocket socket = null;
        ContainerId container = null;
        TaskNetwork network = null;
        Result result;
        PhaseTimer timer = new PhaseTimer();
        try {
            directory = TaskDirectory.create(settings.runtimeDirectory(), task.id());
            execution.logFile(directory.logFile());
            network = prepareNetwork(execution);
            directory.writeNetworkFiles(EgressDetails.hosts(execution.plan()), RESOLV_CONF);
            timer.mark("network");
            container = podman.createContainer(spec(execution, directory, network));
            timer.mark("create");
            execution.container(container);
            ContainerInfo info = podman.inspectContainer(container);
            timer.mark("inspect");
            // Host IDs above 2^31 (Podman's default range) pass through an int as the same 32-bit uid_t.
            int uid = (int) (info.hostUidOfContainerRoot() + settings.userId());
            int gid = (int) (info.hostGidOfContainerRoot() + settings.groupId());
            Optional<String> missing = deliverSecrets(execution, directory, uid, gid);
            if (missing.isPresent()) {
                result = new Result(TaskStatus.FAILED, Optional.empty(), Optional.empty(), Optional.of("secret-missing:" + missing.get()),
                        Optional.empty());
            } else {
                byte[] token = TaskSocket.newToken();
                try {
                    directory.write("token", token, uid, gid);
                    socket = TaskSocket.open(directory.socket(), new Principal.Task(task.id().value(), task.workspace()), token, api,
                            settings.socketMaxPayloadBytes());
                } finally {
                    TaskSocket.wipe(token);
                }
                if (execution.input().isPresent()) {
                    byte[] input = execution.input().get();
                    directory.write("input", input, uid, gid);
                    Arrays.fill(input, (byte) 0);
                }
                directory.handOver(uid, gid);
                timer.mark("deliver");
                result = runContainer(execution, container, timer);
            }
        } catch (NetworkNotPrepared e) {
            result = new Result(TaskStatus.FAILED, Optional.empty(), Optional.empty(), Optional.of("egress-setup-failed"), Optional.empty());
        } catch (RuntimeException e) {
            // Podman refused or vanished, or the host refused a file: the task did not run (or not to its end).
            LOG.log(Level.WARNING, "task " + task.id() + " failed in the runtime: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            result = new Result(TaskStatus.FAILED, Optional.empty(), Optional.empty(), Optional.of("runtime-error"), Optional.empty());
        } finally {
            cleanUp(task.id(), container, socket, directory);
            timer.mark("clean-up");
        }
        // After the container is gone: nothing can add to the counters any more.
        Map<String, String> counters = release(task.id(), network);
        timer.mark("network-release");
        finish(execution, result, counters);
        timer.mark("finish");
        LOG.log(Level.DEBUG, () -> "task " + task.id() + " phases (ms): " + timer);
        // The task's cgroups go once Podman's monitor has left them too, which can take a moment after the container is
        // gone; nothing waits for that (what a crash leaves, the reconciler removes).
        Thread.ofVirtual().name("heroa-cgroup-" + task.id()).start(() -> cgroups.remove(task.id()));
    }

    private Result runContainer(Execution execution, ContainerId container, PhaseTimer timer) {
        TaskRecord task = execution.accepted();
        if (execution.cancelledBecause().isPresent()) {
            return new Result(TaskStatus.CANCELLED, Optional.empty(), Optional.empty(), execution.cancelledBecause(), Optional.empty());
        }
        Instant startedAt = clock.instant();
        if (!store.start(task.id(), startedAt, event(execution, "task.started", Outcome.SUCCESS, Map.of()))) {
            return new Result(TaskStatus.CANCELLED, Optional.empty(), Optional.empty(), Optional.of("no-longer-queued"), Optional.empty());
        }
        timer.mark("audit-start");
        long started = System.nanoTime();
        podman.startContainer(container);
        timer.mark("start");
        if (execution.cancelledBecause().isPresent()) {
            // A cancel that came while the container was being started found nothing running to kill.
            podman.killContainer(container);
        }
        PeakSampler sampler = PeakSampler.start(cgroups, task.id(), execution.logFile());
        Optional<Integer> exit = podman.waitForExit(container, Duration.ofSeconds(execution.template().limits().timeoutSeconds()));
        long wallMillis = (System.nanoTime() - started) / 1_000_000;
        boolean timedOut = exit.isEmpty();
        if (timedOut) {
            podman.killContainer(container);
            podman.waitForExit(container, KILL_GRACE);
        }
        timer.mark("run");
        Cgroups.Peaks peaks = sampler.stop();
        ContainerInfo ended = podman.inspectContainer(container);
        ContainerLogs logs = podman.logs(container, settings.outputMaxBytes());
        ResourceUsage usage = cgroups.read(task.id(), peaks, wallMillis);
        timer.mark("collect");
        Optional<TaskOutput> output = Optional.of(new TaskOutput(logs.stdout(), logs.stdoutTruncated() || sampler.logRestarted(), logs.stderr(),
                logs.stderrTruncated() || sampler.logRestarted()));
        Optional<Integer> exitCode = timedOut ? Optional.empty() : ended.exitCode().or(() -> exit);
        if (execution.cancelledBecause().isPresent()) {
            return new Result(TaskStatus.CANCELLED, exitCode, Optional.of(usage), execution.cancelledBecause(), output);
        }
        if (timedOut) {
            return new Result(TaskStatus.TIMED_OUT, Optional.empty(), Optional.of(usage), Optional.of("timeout"), output);
        }
        // Podman's own flag is not set on every host (cgroup v1); the kernel's count, or a SIGKILL at the memory limit, says the same.
        boolean killedForMemory = ended.oomKilled() || peaks.oomKills() > 0
                || (exitCode.orElse(0) == 137 && peaks.memoryBytes() >= execution.template().limits().memoryMiB() * MIB);
        if (killedForMemory) {
            return new Result(TaskStatus.FAILED, exitCode, Optional.of(usage), Optional.of("oom-killed"), output);
        }
        boolean succeeded = exitCode.orElse(-1) == 0;
        return new Result(succeeded ? TaskStatus.SUCCEEDED : TaskStatus.FAILED, exitCode, Optional.of(usage),
                succeeded ? Optional.empty() : Optional.of("exit-status"), output);
    }

    /** Writes each declared secret into the task's tmpfs; returns the name of one the vault no longer holds, if any. */
    private Optional<String> deliverSecrets(Execution execution, TaskDirectory directory, int uid, int gid) {
        for (SecretName name : execution.template().secrets()) {
            Optional<SecretValue> revealed = vault.reveal(execution.accepted().workspace(), name);
            if (revealed.isEmpty()) {
                return Optional.of(name.value());
            }
            try (SecretValue value = revealed.get()) {
                byte[] bytes = value.copy();
                try {
                    directory.write("secrets/" + name.value(), bytes, uid, gid);
                } finally {
                    Arrays.fill(bytes, (byte) 0);
                }
            }
        }
        return Optional.empty();
    }

    /** The task's namespace with its rules in place, before its container exists (so it never runs without them). */
    private TaskNetwork prepareNetwork(Execution execution) {
        TaskRecord task = execution.accepted();
        try {
            return egress.prepare(task.id().value().substring("task_".length()), execution.plan());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "task " + task.id() + " not started: its network could not be prepared: " + e.getMessage());
            throw new NetworkNotPrepared();
        }
    }

    /** The audit details of the task's counters: none without a network, "unavailable" when they could not be read. */
    private Map<String, String> release(TaskId id, TaskNetwork network) {
        if (network == null) {
            return Map.of();
        }
        Optional<EgressCounters> counters;
        try {
            counters = egress.release(network);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "network of task " + id + " not released yet (" + e.getMessage() + "); the reconciler will");
            counters = Optional.empty();
        }
        return counters.map(EgressDetails::counters).orElse(Map.of("egressCounters", "unavailable"));
    }

    private ContainerSpec spec(Execution execution, TaskDirectory directory, TaskNetwork network) {
        TaskRecord task = execution.accepted();
        RunnableTemplate template = execution.template();
        Map<String, String> environment = new HashMap<>(template.environment());
        environment.put("HEROA_TASK_ID", task.id().value());
        environment.put("HEROA_WORKSPACE", task.workspace().value());
        environment.put("HEROA_STATE_SOCKET", TaskDirectory.MOUNT_POINT + "/state.sock");
        environment.put("HEROA_TOKEN_FILE", TaskDirectory.MOUNT_POINT + "/token");
        environment.put("HEROA_SECRETS_DIR", TaskDirectory.MOUNT_POINT + "/secrets");
        Map<String, String> labels = Map.of(
                TaskLabels.TASK_ID, task.id().value(),
                TaskLabels.WORKSPACE, task.workspace().value(),
                TaskLabels.APPLIANCE, applianceId);
        RunnableTemplate.Limits limits = template.limits();
        return new ContainerSpec("heroa-" + task.id().value(), template.image(), template.command(), environment, labels,
                settings.userId() + ":" + settings.groupId(),
                List.of(new TmpfsMount("/tmp", limits.tmpfsMiB() * MIB, settings.tmpfsInodes(), "1777")),
                List.of(new BindMount(directory.path(), TaskDirectory.MOUNT_POINT, true),
                        new BindMount(directory.networkFiles().resolve("hosts"), "/etc/hosts", true),
                        new BindMount(directory.networkFiles().resolve("resolv.conf"), "/etc/resolv.conf", true)),
                limits.memoryMiB() * MIB, limits.cpuMillis(), limits.pids(), settings.shmMiB() * MIB, Optional.of(cgroups.parentOf(task.id())),
                Optional.of(seccompProfile),
                // Output stays in memory (the runtime tmpfs), bounded: twice the kept output, so the cut is still detected.
                Optional.of(new ContainerSpec.LogFile(directory.logFile(), logFileMaxBytes())), Optional.of(network.path()));
    }

    /** The output file's bound: well above what is kept, so a cut is seen, and small enough to live in memory. */
    private long logFileMaxBytes() {
        return Math.max(16L * 1024 * 1024, 4L * settings.outputMaxBytes());
    }

    private void cleanUp(TaskId id, ContainerId container, TaskSocket socket, TaskDirectory directory) {
        if (container != null) {
            try {
                podman.removeContainer(container);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "container of task " + id + " not removed yet (" + e.getMessage() + "); the reconciler will");
            }
        }
        if (socket != null) {
            socket.close();
        }
        if (directory != null) {
            try {
                directory.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "files of task " + id + " not removed yet (" + e.getMessage() + "); the reconciler will");
            }
        }
    }

    private void finish(Execution execution, Result result, Map<String, String> counters) {
        TaskRecord task = execution.accepted();
        Instant endedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Optional<TaskStore.SealedOutput> sealed = seal(task, result, endedAt);
        Map<String, String> details = new HashMap<>();
        result.exitCode().ifPresent(code -> details.put("exitCode", Integer.toString(code)));
        result.usage().ifPresent(usage -> details.putAll(usage.details()));
        result.reason().ifPresent(reason -> details.put("reason", reason));
        details.putAll(counters);
        result.output().ifPresent(output -> {
            details.put("stdoutTruncated", Boolean.toString(output.stdoutTruncated()));
            details.put("stderrTruncated", Boolean.toString(output.stderrTruncated()));
        });
        Outcome outcome = result.status() == TaskStatus.SUCCEEDED ? Outcome.SUCCESS : Outcome.FAILURE;
        store.finish(task.id(), new TaskStore.Ending(result.status(), endedAt, result.exitCode(), result.usage(), result.reason(), sealed),
                event(execution, result.status().auditAction(), outcome, details));
    }

    /** The output sealed with the workspace's data key; none when that key is gone (the workspace was deleted meanwhile). */
    private Optional<TaskStore.SealedOutput> seal(TaskRecord task, Result result, Instant endedAt) {
        try {
            return result.output().map(output -> barrier.inWorkspace(task.workspace(), sealer -> new TaskStore.SealedOutput(endedAt,
                    sealer.seal(ObjectKind.TASK_OUTPUT, task.id() + "/stdout", 1, endedAt, output.stdout()), output.stdoutTruncated(),
                    sealer.seal(ObjectKind.TASK_OUTPUT, task.id() + "/stderr", 1, endedAt, output.stderr()), output.stderrTruncated())));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "output of task " + task.id() + " not kept: its workspace's key is gone (" + e.getClass().getSimpleName() + ")");
            return Optional.empty();
        }
    }

    /** The audit entry of a step of this task: who asked, which template (name, version, owner, image digest), and {@code more}. */
    private static AuditEvent event(Execution execution, String action, Outcome outcome, Map<String, String> more) {
        return TaskRuntime.event(execution.context(), execution.accepted(), action, outcome, more);
    }

    /** Where a task's time goes, step by step, for the debug log (and the launch benchmark's analysis). */
    private static final class PhaseTimer {
        private final StringBuilder phases = new StringBuilder();
        private long last = System.nanoTime();

        void mark(String phase) {
            long now = System.nanoTime();
            phases.append(phases.isEmpty() ? "" : " ").append(phase).append('=').append((now - last) / 1_000_000);
            last = now;
        }

        @Override
        public String toString() {
            return phases.toString();
        }
    }

    /** The task's network could not be prepared: it does not start. */
    private static final class NetworkNotPrepared extends RuntimeException {
        NetworkNotPrepared() {
            super("network not prepared", null, false, false);
        }
    }

    /** How the task ended, before it is stored. */
    private record Result(TaskStatus status, Optional<Integer> exitCode, Optional<ResourceUsage> usage, Optional<String> reason,
                          Optional<TaskOutput> output) {
    }
}
