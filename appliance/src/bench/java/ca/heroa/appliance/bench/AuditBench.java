package ca.heroa.appliance.bench;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditTrail;
import ca.heroa.appliance.audit.AuditVerification;
import ca.heroa.appliance.audit.Outcome;
import ca.heroa.appliance.egress.OutboundGate;
import ca.heroa.appliance.persistence.Database;
import ca.heroa.appliance.persistence.DatabaseSettings;
import ca.heroa.appliance.persistence.GroupCommitLog;
import ca.heroa.appliance.persistence.PostgresAuditTrail;
import ca.heroa.residency.HostAddresses;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.country.CountryRanges;
import ca.heroa.residency.plan.SystemResolver;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Audit append throughput: the appliance's storage wired as {@code Appliance.Storage} wires it (Hikari pool of 16
 * migrated by Flyway, {@link GroupCommitLog} with batch-max 256 and queue-capacity 10000, {@link PostgresAuditTrail}),
 * and {@code --writers} threads calling {@link AuditTrail#append} in a loop. Each append returns only once its
 * hash-chained entry is committed (synchronous_commit on). Runs {@code --warmup-seconds}, then counts for
 * {@code --seconds}, then stops.
 * <p>
 * Output, one line: {@code AUDIT writers=N appends=N seconds=S rate=R p50_us=N p99_us=N}.
 * <p>
 * Usage: {@code AuditBench --jdbc-url URL [--writers N] [--seconds N] [--warmup-seconds N] [--prepare] [--verify]};
 * {@code --prepare} only migrates the database; {@code --verify} recomputes the whole chain afterwards.
 */
public final class AuditBench {
    /** The same literal values as the pgbench script audit-append.sql, so both write rows of the same size. */
    static final String ACTOR = "workspace-token:tok_0123456789abcdef01234567";
    static final String WORKSPACE = "ws_0123456789abcdef0123456789abcdef";
    static final String REQUEST_ID = "req_0123456789abcdef01234567";

    private AuditBench() {
    }

    public static void main(String[] args) throws InterruptedException {
        Options options = new Options(args);
        DatabaseSettings settings = new DatabaseSettings(DatabaseSettings.Mode.EXTERNAL,
                Optional.of(options.required("jdbc-url")), Optional.of("postgres"), Optional.empty(), 16);
        int writers = options.integer("writers", 1);
        long warmupNanos = TimeUnit.SECONDS.toNanos(options.integer("warmup-seconds", 3));
        long measureNanos = TimeUnit.SECONDS.toNanos(options.integer("seconds", 10));
        // The benchmark's database is on loopback, which the gate approves without consulting the (empty) dataset.
        OutboundGate gate = new OutboundGate(() -> ResidencyGuard.create(CountryRanges.empty("none"), List.of(), HostAddresses.system()),
                new SystemResolver(Duration.ofSeconds(2)));
        try (Database database = Database.open(settings, Path.of(System.getProperty("java.io.tmpdir")), false, gate)) {
            if (options.flag("prepare")) {
                System.out.println("AUDIT prepared " + database.jdbcUrl());
                return;
            }
            GroupCommitLog log = new GroupCommitLog(database.dataSource(), 256, 10_000);
            PostgresAuditTrail trail = new PostgresAuditTrail(database.dataSource(), log);
            try {
                run(trail, writers, warmupNanos, measureNanos);
            } finally {
                log.close();
            }
            if (options.flag("verify")) {
                long started = System.nanoTime();
                AuditVerification verification = trail.verify();
                System.out.printf("AUDIT verify intact=%s entries=%d seconds=%.1f%n", verification.intact(),
                        verification.entriesChecked(), (System.nanoTime() - started) / 1e9);
                if (!verification.intact()) {
                    System.exit(1);
                }
            }
        }
    }

    private static void run(AuditTrail trail, int writers, long warmupNanos, long measureNanos) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        LongAdder appended = new LongAdder();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < writers; i++) {
            Recorder recorder = new Recorder();
            latencies.add(null);
            int index = i;
            threads.add(Thread.ofPlatform().name("audit-writer-" + i).start(() -> {
                try {
                    long now = System.nanoTime();
                    while (now < end) {
                        trail.append(event());
                        long after = System.nanoTime();
                        appended.increment();
                        if (now >= measureFrom && after <= end) {
                            recorder.add(after - now);
                        }
                        now = after;
                    }
                } catch (RuntimeException e) {
                    failures.add(e);
                } finally {
                    synchronized (latencies) {
                        latencies.set(index, recorder.values());
                    }
                }
            }));
        }
        sleepUntil(measureFrom);
        long countedFrom = appended.sum();
        long measuredFrom = System.nanoTime();
        sleepUntil(end);
        long countedTo = appended.sum();
        long measuredTo = System.nanoTime();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        if (!failures.isEmpty()) {
            System.err.println("AUDIT failed: " + failures.getFirst());
            System.exit(1);
        }
        long[] all;
        synchronized (latencies) {
            all = latencies.stream().filter(java.util.Objects::nonNull).flatMapToLong(Arrays::stream).sorted().toArray();
        }
        double seconds = (measuredTo - measuredFrom) / 1e9;
        long count = countedTo - countedFrom;
        System.out.printf("AUDIT writers=%d appends=%d seconds=%.3f rate=%.1f p50_us=%d p99_us=%d%n", writers, count, seconds,
                count / seconds, percentile(all, 0.50) / 1000, percentile(all, 0.99) / 1000);
    }

    private static AuditEvent event() {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("bench", "true");
        return new AuditEvent(Instant.now(), ACTOR, Optional.of(WORKSPACE), "bench.append", "bench:target", Outcome.SUCCESS,
                Optional.of(REQUEST_ID), Optional.of("127.0.0.1"), details);
    }

    private static long percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(fraction * sorted.length) - 1)];
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** A growable array of latencies in nanoseconds, owned by one writer thread. */
    private static final class Recorder {
        private long[] values = new long[1 << 14];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] values() {
            return Arrays.copyOf(values, size);
        }
    }
}
