package ca.heroa.appliance.task;

import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The {@code heroa.tasks} node: how many tasks run at once and wait in line, how long a synchronous request waits,
 * how much output is kept, and where per-task files live (a tmpfs: secrets are delivered through it).
 *
 * @param socketMaxPayloadBytes the largest request a task's state socket accepts: a state value (heroa.state.max-value-bytes)
 */
public record TaskSettings(int maxConcurrent, int maxQueued, Duration maxWait, int outputMaxBytes, Path runtimeDirectory, int userId,
                           int groupId, String cgroupParent, long tmpfsInodes, long shmMiB, int maxInputBytes,
                           long socketMaxPayloadBytes) {
    public TaskSettings {
        requireNonNull(maxWait, "maxWait is null");
        requireNonNull(runtimeDirectory, "runtimeDirectory is null");
        requireNonNull(cgroupParent, "cgroupParent is null");
        if (maxConcurrent < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("heroa.tasks.max-concurrent must be at least 1 and heroa.tasks.max-queued at least 0");
        }
        if (outputMaxBytes < 1024 || outputMaxBytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("heroa.tasks.output-max-bytes must be 1 KiB to 16 MiB");
        }
        if (userId < 1 || userId > 60_000 || groupId < 1 || groupId > 60_000) {
            throw new IllegalArgumentException("heroa.tasks.user-id and group-id must be 1 to 60000: tasks never run as root, even a remapped one");
        }
        if (!cgroupParent.matches("[a-z][a-z0-9-]{0,31}")) {
            throw new IllegalArgumentException("heroa.tasks.cgroup-parent is 1 to 32 lower-case letters, digits or '-'");
        }
        if (maxWait.isNegative() || maxWait.isZero() || maxWait.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("heroa.tasks.max-wait must be more than PT0S and at most PT1H");
        }
        if (tmpfsInodes < 64 || shmMiB < 1 || shmMiB > 1024) {
            throw new IllegalArgumentException("heroa.tasks.tmpfs-inodes must be at least 64 and heroa.tasks.shm-mib 1 to 1024");
        }
        if (socketMaxPayloadBytes < 1) {
            throw new IllegalArgumentException("the task socket's largest request must be positive");
        }
        if (maxInputBytes < 0 || maxInputBytes > 1024 * 1024) {
            throw new IllegalArgumentException("heroa.tasks.max-input-bytes must be 0 to 1 MiB");
        }
    }

    /** {@code defaultRuntimeDirectory} is derived from the data directory, so two appliances on one host never share one. */
    public static TaskSettings from(Config tasks, Path defaultRuntimeDirectory, long socketMaxPayloadBytes) {
        return new TaskSettings(
                tasks.get("max-concurrent").asInt().orElse(4),
                tasks.get("max-queued").asInt().orElse(32),
                tasks.get("max-wait").as(Duration.class).orElse(Duration.ofMinutes(5)),
                tasks.get("output-max-bytes").asInt().orElse(64 * 1024),
                tasks.get("runtime-directory").asString().map(Path::of).orElse(defaultRuntimeDirectory),
                tasks.get("user-id").asInt().orElse(1000),
                tasks.get("group-id").asInt().orElse(1000),
                tasks.get("cgroup-parent").asString().orElse("heroa"),
                tasks.get("tmpfs-inodes").asLong().orElse(4096L),
                tasks.get("shm-mib").asLong().orElse(8L),
                tasks.get("max-input-bytes").asInt().orElse(64 * 1024),
                socketMaxPayloadBytes);
    }
}
