package ca.heroa.appliance.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Resource usage of a task, read from the cgroup its container runs under. Each task gets its own parent cgroup
 * ({@code /<cgroup-parent>/<task>}): the container's own cgroup disappears the moment its process ends, the parent
 * keeps the totals. Podman's monitor (conmon) sits in the parent's {@code conmon} child and is subtracted.
 * Works with cgroup v1 (one hierarchy per controller) and v2 (one unified hierarchy).
 */
final class Cgroups {
    private static final System.Logger LOG = System.getLogger(Cgroups.class.getName());
    private static final String MONITOR = "conmon";

    private final Path root;
    private final String parent;
    private final boolean unified;

    Cgroups(Path root, String parent) {
        this.root = requireNonNull(root, "root is null");
        this.parent = requireNonNull(parent, "parent is null");
        this.unified = Files.exists(root.resolve("cgroup.controllers"));
    }

    /** The cgroup parent Podman is told to create the task's container under. */
    String parentOf(TaskId task) {
        return "/" + parent + "/" + task.value();
    }

    /**
     * Usage of the task's container, after it ended. CPU time is exact: the parent's counter minus the monitor's. Peaks
     * cannot be subtracted (the monitor and its clean-up peak at other times), so they come from {@code peaks}, sampled
     * from the container's own cgroup while it ran (see {@link #samplePeaks}).
     */
    ResourceUsage read(TaskId task, Peaks peaks, long wallMillis) {
        long cpuNanos;
        if (unified) {
            cpuNanos = 1000 * minusMonitor(root.resolve(parent).resolve(task.value()), "cpu.stat", "usage_usec");
        } else {
            cpuNanos = minusMonitor(root.resolve("cpuacct").resolve(parent).resolve(task.value()), "cpuacct.usage", null);
        }
        return new ResourceUsage(Math.max(0, cpuNanos), peaks.memoryBytes(), peaks.pids(), wallMillis);
    }

    /** The highest memory use and process count seen so far, and how many processes the memory limit killed. */
    record Peaks(long memoryBytes, long pids, long oomKills) {
        static final Peaks NONE = new Peaks(0, 0, 0);

        Peaks max(Peaks other) {
            return new Peaks(Math.max(memoryBytes, other.memoryBytes), Math.max(pids, other.pids), Math.max(oomKills, other.oomKills));
        }
    }

    /**
     * The peaks the kernel recorded for the container's own cgroup (a child of the task's parent other than the
     * monitor's). They are high-water marks, so a reading taken shortly before the cgroup is removed holds the task's peaks.
     */
    Peaks samplePeaks(TaskId task) {
        if (unified) {
            Optional<Path> container = containerGroup(root.resolve(parent).resolve(task.value()));
            return container.map(group -> new Peaks(value(group.resolve("memory.peak"), null).orElse(0L),
                    value(group.resolve("pids.peak"), null).orElse(0L), value(group.resolve("memory.events"), "oom_kill").orElse(0L)))
                    .orElse(Peaks.NONE);
        }
        Optional<Path> memoryGroup = containerGroup(root.resolve("memory").resolve(parent).resolve(task.value()));
        long memory = memoryGroup.flatMap(group -> value(group.resolve("memory.max_usage_in_bytes"), null)).orElse(0L);
        long oomKills = memoryGroup.flatMap(group -> value(group.resolve("memory.oom_control"), "oom_kill")).orElse(0L);
        long pids = containerGroup(root.resolve("pids").resolve(parent).resolve(task.value()))
                .flatMap(group -> value(group.resolve("pids.peak"), null)).orElse(0L);
        return new Peaks(memory, pids, oomKills);
    }

    private static Optional<Path> containerGroup(Path taskGroup) {
        try (var children = Files.list(taskGroup)) {
            return children.filter(Files::isDirectory).filter(child -> !child.getFileName().toString().equals(MONITOR)).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static long minusMonitor(Path group, String file, String key) {
        long total = value(group.resolve(file), key).orElse(0L);
        long monitor = value(group.resolve(MONITOR).resolve(file), key).orElse(0L);
        return total - monitor;
    }

    private static Optional<Long> value(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.trim();
                if (key == null) {
                    return Optional.of(Long.parseLong(trimmed));
                }
                if (trimmed.startsWith(key + " ")) {
                    return Optional.of(Long.parseLong(trimmed.substring(key.length() + 1).trim()));
                }
            }
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Removes the task's parent cgroup (and the monitor's) in every hierarchy; what is still busy is logged. */
    void remove(TaskId task) {
        for (Path group : groups(task)) {
            removeGroup(group.resolve(MONITOR));
            removeGroup(group);
        }
    }

    private List<Path> groups(TaskId task) {
        return inEveryHierarchy(Path.of(parent, task.value()));
    }

    /** {@code relative} under the unified hierarchy (v2), or under each controller's (v1). */
    private List<Path> inEveryHierarchy(Path relative) {
        if (unified) {
            return List.of(root.resolve(relative));
        }
        List<Path> groups = new ArrayList<>();
        try (var controllers = Files.list(root)) {
            controllers.filter(Files::isDirectory).forEach(controller -> groups.add(controller.resolve(relative)));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot list cgroup hierarchies under " + root + ": " + e.getMessage());
        }
        return groups;
    }

    private static void removeGroup(Path group) {
        for (int attempt = 0; attempt < 20 && Files.isDirectory(group); attempt++) {
            try {
                Files.delete(group);
                return;
            } catch (IOException e) {
                // A cgroup is busy until its last process is gone (conmon exits just after the container).
                try {
                    Thread.sleep(25);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (Files.isDirectory(group)) {
            LOG.log(System.Logger.Level.WARNING, "cgroup " + group + " is still busy; the next start's reconciler removes it");
        }
    }

    /** Removes this appliance's own cgroup (the parent of its tasks') in every hierarchy, if no task's is left in it. */
    void removeBase() {
        List<Path> bases = inEveryHierarchy(Path.of(parent));
        for (Path base : bases) {
            try {
                Files.deleteIfExists(base);
            } catch (IOException e) {
                // Not empty (a task's cgroup is still busy) or not ours to remove: the next start's reconciler sees it.
            }
        }
    }

    /** Task IDs that have a parent cgroup here: after a crash, the reconciler removes the ones of no live task. */
    List<TaskId> leftovers() {
        Path base = unified ? root.resolve(parent) : root.resolve("pids").resolve(parent);
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (var entries = Files.list(base)) {
            return entries.map(entry -> TaskId.parse(entry.getFileName().toString())).flatMap(Optional::stream).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
