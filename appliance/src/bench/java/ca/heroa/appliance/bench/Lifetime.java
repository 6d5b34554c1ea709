package ca.heroa.appliance.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Keeps a benchmark helper process from outliving its purpose: it exits (running its shutdown hooks, which stop
 * servers and PostgreSQL) when the process that started it is gone or when its time is up, whichever comes first.
 */
final class Lifetime {
    private Lifetime() {
    }

    /**
     * Exits after {@code maximum}, or as soon as {@code parentPid} (when given; otherwise this process's parent at
     * the time of the call) is no longer alive.
     */
    static void bound(Duration maximum, Optional<Long> parentPid) {
        Instant deadline = Instant.now().plus(maximum);
        Optional<ProcessHandle> parent = parentPid.isPresent()
                ? Optional.of(ProcessHandle.of(parentPid.get()).orElseThrow(() -> new IllegalStateException("parent " + parentPid.get() + " is not running")))
                : ProcessHandle.current().parent();
        Thread.ofPlatform().name("bench-lifetime").daemon(true).start(() -> {
            while (Instant.now().isBefore(deadline) && parent.map(ProcessHandle::isAlive).orElse(true)) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.err.println("bench helper: parent gone or lifetime of " + maximum + " over; stopping");
            System.exit(3);
        });
    }
}
