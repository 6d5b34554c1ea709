package ca.heroa.appliance.task;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a running task's peak memory and process count from its container's cgroup every few milliseconds, because
 * that cgroup is removed as soon as the container ends. The kernel's counters are high-water marks, so only what
 * happens in the last interval before the end can be missed.
 */
final class PeakSampler {
    private static final Duration INTERVAL = Duration.ofMillis(20);

    private final Cgroups cgroups;
    private final TaskId task;
    private final AtomicReference<Cgroups.Peaks> peaks = new AtomicReference<>(Cgroups.Peaks.NONE);
    private final java.nio.file.Path log;
    private long logSize;
    private volatile boolean logRestarted;
    private final Thread thread;
    private volatile boolean running = true;

    private PeakSampler(Cgroups cgroups, TaskId task, java.nio.file.Path log) {
        this.cgroups = cgroups;
        this.task = task;
        this.log = log;
        this.thread = Thread.ofVirtual().name("heroa-peaks-" + task.value()).unstarted(this::sample);
    }

    static PeakSampler start(Cgroups cgroups, TaskId task, java.nio.file.Path log) {
        PeakSampler sampler = new PeakSampler(cgroups, task, log);
        sampler.thread.start();
        return sampler;
    }

    private void sample() {
        while (running) {
            peaks.accumulateAndGet(cgroups.samplePeaks(task), Cgroups.Peaks::max);
            watchLog();
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Podman's monitor starts the output file over when it reaches its size limit; a file that shrank means the task
     * printed more than that, so what is kept is not its first bytes and must be marked cut.
     */
    private void watchLog() {
        try {
            long size = java.nio.file.Files.size(log);
            if (size < logSize) {
                logRestarted = true;
            }
            logSize = size;
        } catch (java.io.IOException e) {
            // Not created yet, or gone.
        }
    }

    /** Whether the output file was started over while the task ran. */
    boolean logRestarted() {
        return logRestarted;
    }

    /** Stops sampling (one last reading, in case the cgroup is still there) and returns the peaks seen. */
    Cgroups.Peaks stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return peaks.accumulateAndGet(cgroups.samplePeaks(task), Cgroups.Peaks::max);
    }
}
