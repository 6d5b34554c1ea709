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
    private final Thread thread;
    private volatile boolean running = true;

    private PeakSampler(Cgroups cgroups, TaskId task) {
        this.cgroups = cgroups;
        this.task = task;
        this.thread = Thread.ofVirtual().name("heroa-peaks-" + task.value()).unstarted(this::sample);
    }

    static PeakSampler start(Cgroups cgroups, TaskId task) {
        PeakSampler sampler = new PeakSampler(cgroups, task);
        sampler.thread.start();
        return sampler;
    }

    private void sample() {
        while (running) {
            peaks.accumulateAndGet(cgroups.samplePeaks(task), Cgroups.Peaks::max);
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
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
