package ca.heroa.appliance.task;

import java.util.Map;

/**
 * What a task used, read from its container's cgroup when it ended.
 *
 * @param cpuNanos        CPU time of every process of the container, user and system
 * @param peakMemoryBytes the highest memory use of the container (page cache included, as the limit counts it)
 * @param peakPids        the most processes and threads the container had at once
 * @param wallMillis      from the container's start to its end
 */
public record ResourceUsage(long cpuNanos, long peakMemoryBytes, long peakPids, long wallMillis) {
    public static final ResourceUsage NONE = new ResourceUsage(0, 0, 0, 0);

    public ResourceUsage {
        if (cpuNanos < 0 || peakMemoryBytes < 0 || peakPids < 0 || wallMillis < 0) {
            throw new IllegalArgumentException("resource usage cannot be negative");
        }
    }

    public ResourceUsage withWallMillis(long millis) {
        return new ResourceUsage(cpuNanos, peakMemoryBytes, peakPids, millis);
    }

    /** As audit details. */
    public Map<String, String> details() {
        return Map.of("cpuMillis", Long.toString(cpuNanos / 1_000_000), "peakMemoryBytes", Long.toString(peakMemoryBytes),
                "peakPids", Long.toString(peakPids), "wallMillis", Long.toString(wallMillis));
    }
}
