package ca.heroa.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Task launch benchmark: the appliance's synchronous {@code POST /v1/workspaces/{ws}/tasks} (one {@code curl} process
 * per task) against a bare {@code podman --url unix://SOCKET run --rm} of the same image with the same isolation flags,
 * on the same Podman service (one {@code podman} process per task). Each launch is timed the same way: from just
 * before the client process is spawned to just after it exited.
 * <ol>
 * <li>Latency: {@code --warmup} unmeasured pairs, then {@code --iterations} pairs, one launch at a time, the two sides
 * alternating (ours, bare, bare, ours, ours, bare, ...): p50, p99 and their ratios.</li>
 * <li>Throughput: {@code --rounds} rounds; in each, {@code --concurrency} client threads launch
 * {@code --tasks-per-round} tasks of one side, then of the other (order reversed every other round): tasks/s =
 * tasks / (last exit - first spawn).</li>
 * <li>Phases of the latency launches, joined from three clocks of the same host: the driver's spawn and exit times,
 * Podman's container events ({@code podman events}: create, init, start, died, remove, nanosecond timestamps) and
 * the appliance's own records (the task row's created_at, started_at and ended_at; its audit entries). Every
 * measured task of ours is checked to have succeeded with exit code 0 and to have its task.accepted, task.started
 * and task.completed audit entries.</li>
 * </ol>
 * Any failed launch (HTTP status other than 200, a task that did not succeed, podman exiting non-zero) stops the run.
 * <p>
 * Parseable output lines start with {@code TASKS }. Usage: {@code TaskBench --curl-config FILE --bare-args FILE
 * --podman PODMAN --socket SOCKET --jdbc-url URL --out-dir DIR [--iterations 100] [--warmup 5] [--concurrency 8]
 * [--tasks-per-round 48] [--rounds 3] [--warmup-rounds 1]}. {@code --bare-args} holds the arguments of {@code podman run}, one per line,
 * where {@code {name}} and {@code {cgroup}} stand for the container's name and cgroup parent, different per launch
 * ({@code --name-prefix} and {@code --cgroup-prefix} give their stems).
 */
public final class TaskBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest a launch may take: far above a normal launch (under a second), below the appliance's own wait. */
    private static final long LAUNCH_LIMIT_SECONDS = 50;

    enum Side {
        OURS("appliance"), BARE("bare podman");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    /** One launch: times in nanoseconds of the epoch (from one clock reading plus System.nanoTime offsets). */
    record Launch(Side side, String phase, int sequence, long startNanos, long endNanos, String id, double tlsSeconds, double curlSeconds,
                  Cpu cpu) {
        long nanos() {
            return endNanos - startNanos;
        }

        Launch with(Cpu used) {
            return new Launch(side, phase, sequence, startNanos, endNanos, id, tlsSeconds, curlSeconds, used);
        }
    }

    /**
     * CPU time in clock ticks (1/100 s here): the whole machine's busy time (all processes and the kernel, from
     * /proc/stat), the appliance's JVM and the Podman service (from /proc/PID/stat; conmon, runc and the clients are
     * processes of their own, counted only in the machine's).
     */
    record Cpu(long machine, long appliance, long applianceJit, long applianceGc, long podman) {
        static final Cpu NONE = new Cpu(0, 0, 0, 0, 0);

        Cpu minus(Cpu other) {
            return new Cpu(machine - other.machine, appliance - other.appliance, applianceJit - other.applianceJit,
                    applianceGc - other.applianceGc, podman - other.podman);
        }

        Cpu plus(Cpu other) {
            return new Cpu(machine + other.machine, appliance + other.appliance, applianceJit + other.applianceJit,
                    applianceGc + other.applianceGc, podman + other.podman);
        }

        /** One line of CPU milliseconds per task (ticks of 10 ms). */
        String perTask(long tasks) {
            return String.format(Locale.ROOT, "machine=%.1f appliance=%.1f appliance_jit=%.1f appliance_gc=%.1f podman_service=%.1f",
                    machine * 10.0 / tasks, appliance * 10.0 / tasks, applianceJit * 10.0 / tasks, applianceGc * 10.0 / tasks,
                    podman * 10.0 / tasks);
        }
    }

    /** Reads {@link Cpu} now. */
    record CpuMeter(long appliancePid, long podmanPid) {
        Cpu now() {
            long[] threads = threads(appliancePid);
            return new Cpu(machineBusy(), process(appliancePid), threads[0], threads[1], process(podmanPid));
        }

        private static long machineBusy() {
            try {
                String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
                // cpu user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait
                long busy = 0;
                for (int i = 1; i < fields.length && i <= 8; i++) {
                    if (i != 4 && i != 5) {
                        busy += Long.parseLong(fields[i]);
                    }
                }
                return busy;
            } catch (IOException e) {
                return 0;
            }
        }

        /** CPU ticks of the JVM's JIT compiler threads and of its garbage collector threads (long-lived threads, by name). */
        private static long[] threads(long pid) {
            long[] ticks = new long[2];
            if (pid <= 0) {
                return ticks;
            }
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long used = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        if (name.contains("CompilerThre")) {
                            ticks[0] += used;
                        } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                            ticks[1] += used;
                        }
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException e) {
                return ticks;
            }
            return ticks;
        }

        private static long process(long pid) {
            if (pid <= 0) {
                return 0;
            }
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                // After "(comm)": state is field 3, utime 14, stime 15.
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
    }

    private final List<String> curl;
    private final List<String> bareTemplate;
    private final String namePrefix;
    private final String cgroupPrefix;
    private final long epochBase;
    private final long nanoBase;
    private final AtomicInteger bareSequence = new AtomicInteger();
    private final AtomicInteger oursSequence = new AtomicInteger();
    private final CpuMeter meter;
    private final Path scratch;

    /** A launch that failed or did not end: Podman refused, the task did not succeed, or a client hung. */
    static final class LaunchFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LaunchFailed(String message) {
            super(message);
        }
    }

    private TaskBench(List<String> curl, List<String> bareTemplate, String namePrefix, String cgroupPrefix, CpuMeter meter, Path scratch) {
        this.meter = meter;
        this.scratch = scratch;
        this.curl = curl;
        this.bareTemplate = bareTemplate;
        this.namePrefix = namePrefix;
        this.cgroupPrefix = cgroupPrefix;
        Instant now = Instant.now();
        this.nanoBase = System.nanoTime();
        this.epochBase = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private long epochNanos(long nanoTime) {
        return epochBase + (nanoTime - nanoBase);
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Path out = Path.of(options.required("out-dir"));
        Files.createDirectories(out);
        List<String> curl = List.of("curl", "-sS", "-K", options.required("curl-config"));
        List<String> bare = new ArrayList<>();
        bare.add(options.required("podman"));
        bare.add("--url");
        bare.add("unix://" + options.required("socket"));
        bare.add("run");
        bare.addAll(Files.readAllLines(Path.of(options.required("bare-args")), StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isEmpty()).toList());
        TaskBench bench = new TaskBench(curl, bare, options.required("name-prefix"), options.required("cgroup-prefix"),
                new CpuMeter(Long.parseLong(options.required("appliance-pid")), Long.parseLong(options.required("podman-pid"))),
                Files.createDirectories(out.resolve("scratch")));
        int iterations = options.integer("iterations", 100);
        int warmup = options.integer("warmup", 40);
        int concurrency = options.integer("concurrency", 8);
        int tasksPerRound = options.integer("tasks-per-round", 48);
        int rounds = options.integer("rounds", 3);
        int warmupRounds = options.integer("warmup-rounds", 1);

        List<Launch> all = Collections.synchronizedList(new ArrayList<>());
        // 1. Latency, one at a time, alternating. The warm-up pairs matter: the appliance is a JVM, and its first tasks
        // spend much of its CPU on JIT compilation, while a colo appliance runs for months. They run one at a time too:
        // concurrent creates can deadlock Podman 4.3 (see PodmanShim), which must not cost the latency figures.
        say("latency: " + warmup + " unmeasured pairs, then " + iterations + " pairs, alternating");
        for (int i = 0; i < warmup; i++) {
            all.add(bench.measured(i % 2 == 0 ? Side.OURS : Side.BARE, "warmup"));
            all.add(bench.measured(i % 2 == 0 ? Side.BARE : Side.OURS, "warmup"));
        }
        long latencyStart = bench.epochNanos(System.nanoTime());
        for (int i = 0; i < iterations; i++) {
            Side first = i % 2 == 0 ? Side.OURS : Side.BARE;
            all.add(bench.measured(first, "latency"));
            all.add(bench.measured(first == Side.OURS ? Side.BARE : Side.OURS, "latency"));
            if ((i + 1) % 20 == 0) {
                say("latency: " + (i + 1) + " of " + iterations + " pairs");
            }
        }

        // Podman's events of the latency launches, read now: its events file is cut when it grows past its size limit, which
        // the throughput part would make it do.
        Map<String, Map<String, Long>> events = events(options.required("podman"), options.required("socket"), latencyStart, out.resolve("events.json"));

        // 2. Throughput: concurrent clients, sides alternating by round.
        say("throughput: " + warmupRounds + " unmeasured round(s), then " + rounds + " rounds of " + tasksPerRound + " tasks per side with " + concurrency
                + " clients");
        Map<Side, Long> tasks = new HashMap<>();
        Map<Side, Long> elapsed = new HashMap<>();
        Map<Side, Cpu> loadedCpu = new HashMap<>();
        // A launch that does not end (Podman stopped answering) ends the throughput part, not the run: the latency results
        // and their phases are still reported, and run.sh looks at the Podman service.
        Side current = Side.OURS;
        try {
            // One unmeasured round per side first: under concurrency the appliance's JIT compiles again (other paths, other
            // profiles), and that one-time cost is not what a long-running appliance pays per task.
            for (int round = 1; round <= warmupRounds; round++) {
                current = Side.OURS;
                bench.concurrent(Side.OURS, "warmup-concurrent", concurrency, tasksPerRound, all);
                current = Side.BARE;
                bench.concurrent(Side.BARE, "warmup-concurrent", concurrency, tasksPerRound, all);
            }
            for (int round = 1; round <= rounds; round++) {
                List<Side> order = round % 2 == 1 ? List.of(Side.OURS, Side.BARE) : List.of(Side.BARE, Side.OURS);
                Map<Side, Double> roundRates = new HashMap<>();
                for (Side side : order) {
                    current = side;
                    say("throughput: round " + round + ", " + side.label);
                    Cpu before = bench.meter.now();
                    long nanos = bench.concurrent(side, "throughput-" + round, concurrency, tasksPerRound, all);
                    Cpu used = bench.meter.now().minus(before);
                    loadedCpu.merge(side, used, Cpu::plus);
                    System.out.printf(Locale.ROOT, "TASKS cpu section=throughput-round-%d side=%s per_task_ms %s%n", round,
                            side.name().toLowerCase(Locale.ROOT), used.perTask(tasksPerRound));
                    double rate = tasksPerRound / (nanos / 1e9);
                    roundRates.put(side, rate);
                    tasks.merge(side, (long) tasksPerRound, Long::sum);
                    elapsed.merge(side, nanos, Long::sum);
                    System.out.printf(Locale.ROOT, "TASKS throughput round=%d side=%s tasks=%d seconds=%.3f rate=%.3f%n", round,
                            side.name().toLowerCase(Locale.ROOT), tasksPerRound, nanos / 1e9, rate);
                }
                System.out.printf(Locale.ROOT, "TASKS throughput round=%d ratio=%.3f%n", round, roundRates.get(Side.OURS) / roundRates.get(Side.BARE));
            }
        } catch (LaunchFailed e) {
            System.out.printf(Locale.ROOT, "TASKS throughput failed side=%s reason=%s%n", current.name().toLowerCase(Locale.ROOT),
                    e.getMessage().replaceAll("\\s+", " "));
            say("throughput stopped: " + e.getMessage());
            tasks.clear();
        }

        writeCsv(out.resolve("launches.csv"), all);

        // Results: latency.
        List<Launch> latency = all.stream().filter(launch -> launch.phase().equals("latency")).toList();
        for (Side side : Side.values()) {
            long[] values = latency.stream().filter(launch -> launch.side() == side).mapToLong(Launch::nanos).sorted().toArray();
            System.out.printf(Locale.ROOT, "TASKS latency side=%s n=%d mean_ms=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f min_ms=%.1f max_ms=%.1f%n",
                    side.name().toLowerCase(Locale.ROOT), values.length, mean(values) / 1e6, percentile(values, 50) / 1e6,
                    percentile(values, 90) / 1e6, percentile(values, 99) / 1e6, values[0] / 1e6, values[values.length - 1] / 1e6);
        }
        for (Side side : Side.values()) {
            List<Launch> launches = latency.stream().filter(launch -> launch.side() == side).toList();
            Cpu used = launches.stream().map(Launch::cpu).reduce(Cpu.NONE, Cpu::plus);
            System.out.printf(Locale.ROOT, "TASKS cpu section=latency side=%s per_task_ms %s%n", side.name().toLowerCase(Locale.ROOT),
                    used.perTask(launches.size()));
        }
        for (Side side : tasks.isEmpty() ? new Side[0] : Side.values()) {
            Cpu used = loadedCpu.get(side);
            long count = tasks.get(side);
            System.out.printf(Locale.ROOT, "TASKS cpu section=throughput side=%s per_task_ms %s%n", side.name().toLowerCase(Locale.ROOT),
                    used.perTask(count));
        }
        double[] tls = latency.stream().filter(launch -> launch.side() == Side.OURS).mapToDouble(Launch::tlsSeconds).sorted().toArray();
        double[] curlTotal = latency.stream().filter(launch -> launch.side() == Side.OURS).mapToDouble(Launch::curlSeconds).sorted().toArray();
        System.out.printf(Locale.ROOT, "TASKS curl median_tls_ms=%.1f median_curl_total_ms=%.1f%n", tls[tls.length / 2] * 1e3,
                curlTotal[curlTotal.length / 2] * 1e3);
        for (Side side : tasks.isEmpty() ? new Side[0] : Side.values()) {
            List<Launch> loaded = all.stream().filter(launch -> launch.side() == side && launch.phase().startsWith("throughput-")).toList();
            long[] values = loaded.stream().mapToLong(Launch::nanos).sorted().toArray();
            System.out.printf(Locale.ROOT, "TASKS throughput side=%s tasks=%d seconds=%.3f rate=%.3f launch_p50_ms=%.1f launch_p99_ms=%.1f%n",
                    side.name().toLowerCase(Locale.ROOT), tasks.get(side), elapsed.get(side) / 1e9, tasks.get(side) / (elapsed.get(side) / 1e9),
                    percentile(values, 50) / 1e6, percentile(values, 99) / 1e6);
        }

        // Phases and audit, from Podman's events and the appliance's database.
        phases(latency, events, options.required("jdbc-url"));
        Optional<String> applianceLog = options.optional("appliance-log");
        if (applianceLog.isPresent()) {
            runnerPhases(Path.of(applianceLog.get()), latency, "latency");
            runnerPhases(Path.of(applianceLog.get()), all.stream().filter(launch -> launch.phase().startsWith("throughput-")).toList(), "throughput");
        }
        checkAudit(all.stream().filter(launch -> launch.side() == Side.OURS && launch.id() != null).toList(), options.required("jdbc-url"));
    }

    static void say(String message) {
        System.err.println("bench: tasks: " + message);
    }

    /** {@link #launch}, with the CPU time used meanwhile (launches one at a time only). */
    private Launch measured(Side side, String phase) throws IOException, InterruptedException {
        Cpu before = meter.now();
        Launch launch = launch(side, phase);
        return launch.with(meter.now().minus(before));
    }

    /** Launches one task of {@code side} and waits for its client process to exit; throws if it did not succeed. */
    private Launch launch(Side side, String phase) throws IOException, InterruptedException {
        int sequence = (side == Side.OURS ? oursSequence : bareSequence).incrementAndGet();
        String name = namePrefix + "-" + sequence;
        List<String> command = side == Side.OURS ? curl : bareTemplate.stream()
                .map(argument -> argument.replace("{name}", name).replace("{cgroup}", cgroupPrefix + "/" + sequence)).toList();
        // Output to a file, so that a client that never ends can be given up on (a pipe would block the read).
        Path output = scratch.resolve(side.name().toLowerCase(Locale.ROOT) + "-" + sequence + ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        long start = System.nanoTime();
        Process process = builder.start();
        boolean ended = process.waitFor(LAUNCH_LIMIT_SECONDS, TimeUnit.SECONDS);
        long end = System.nanoTime();
        if (!ended) {
            process.destroyForcibly();
            process.waitFor();
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        if (!ended) {
            throw new LaunchFailed(side.label + " launch " + sequence + " did not end within " + LAUNCH_LIMIT_SECONDS + " s: " + text.strip());
        }
        int status = process.exitValue();
        if (side == Side.BARE) {
            if (status != 0) {
                throw new LaunchFailed("bare podman run " + name + " exited with " + status + ": " + text.strip());
            }
            return new Launch(side, phase, sequence, epochNanos(start), epochNanos(end), name, 0, 0, Cpu.NONE);
        }
        // curl's write-out line comes last: "<http code> <time_appconnect> <time_total>".
        String trimmed = text.stripTrailing();
        int cut = trimmed.lastIndexOf('\n');
        String[] timings = (cut < 0 ? trimmed : trimmed.substring(cut + 1)).trim().split(" ");
        String body = cut < 0 ? "" : trimmed.substring(0, cut);
        if (status != 0 || timings.length != 3 || !timings[0].equals("200")) {
            throw new LaunchFailed("task request failed (curl exit " + status + "): " + text.strip());
        }
        JsonNode task = JSON.readTree(body);
        if (!"succeeded".equals(task.path("status").asText()) || task.path("exitCode").asInt(-1) != 0) {
            throw new LaunchFailed("task did not succeed: " + body);
        }
        return new Launch(side, phase, sequence, epochNanos(start), epochNanos(end), task.path("id").asText(),
                Double.parseDouble(timings[1]), Double.parseDouble(timings[2]), Cpu.NONE);
    }

    /** {@code total} launches of {@code side} by {@code clients} threads; returns nanoseconds from the first spawn to the last exit. */
    private long concurrent(Side side, String phase, int clients, int total, List<Launch> into) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Launch> launches = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int client = 0; client < clients; client++) {
            threads.add(Thread.ofPlatform().name("tasks-client-" + client).start(() -> {
                try {
                    go.await();
                    while (next.getAndIncrement() < total && failures.isEmpty()) {
                        launches.add(launch(side, phase));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.getFirst();
            throw first instanceof LaunchFailed failed ? failed : new IllegalStateException(side.label + " failed under load", first);
        }
        into.addAll(launches);
        long first = launches.stream().mapToLong(Launch::startNanos).min().orElseThrow();
        long last = launches.stream().mapToLong(Launch::endNanos).max().orElseThrow();
        return last - first;
    }

    /** Podman's container events of the window, by container name: status (create, init, start, died, remove) to epoch nanoseconds. */
    private static Map<String, Map<String, Long>> events(String podman, String socket, long from, Path file)
            throws IOException, InterruptedException {
        // No --until: Podman 4.3 returns no event at all when --until lies in the past. Only names of this run are looked up.
        Process process = new ProcessBuilder(podman, "--url", "unix://" + socket, "events", "--stream=false", "--format", "json",
                "--filter", "type=container", "--since", Long.toString(from / 1_000_000_000L - 1))
                .redirectErrorStream(false).redirectOutput(file.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("podman events exited with " + process.exitValue());
        }
        Map<String, Map<String, Long>> byName = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode event = JSON.readTree(line);
            Instant time = Instant.parse(event.path("Time").asText());
            // The first of each status: a name is used once per run.
            byName.computeIfAbsent(event.path("Name").asText(), name -> new HashMap<>())
                    .putIfAbsent(event.path("Status").asText(), time.getEpochSecond() * 1_000_000_000L + time.getNano());
        }
        return byName;
    }

    /** One step of a launch's timeline: its name and how to read its time (epoch nanoseconds) from a launch's marks. */
    private record Mark(String name, String key) {
    }

    /** Medians and p99 of the time between consecutive marks of each side's latency launches. */
    private static void phases(List<Launch> latency, Map<String, Map<String, Long>> events, String jdbcUrl) throws SQLException {
        Map<String, Map<String, Long>> rows = taskTimes(latency.stream().filter(launch -> launch.side() == Side.OURS).map(Launch::id).toList(), jdbcUrl);
        List<Mark> ours = List.of(new Mark("client spawned (curl)", "spawn"), new Mark("task row created (request authenticated, template resolved)", "created"),
                new Mark("podman: container created", "create"), new Mark("task started (task.started committed next)", "started"),
                new Mark("podman: container init", "init"), new Mark("podman: container start", "start"), new Mark("podman: container died", "died"),
                new Mark("podman: container removed", "remove"), new Mark("task ended (final state and audit written next)", "ended"),
                new Mark("client exited (response read)", "exit"));
        List<Mark> bare = List.of(new Mark("client spawned (podman run)", "spawn"), new Mark("podman: container created", "create"),
                new Mark("podman: container init", "init"), new Mark("podman: container start", "start"), new Mark("podman: container died", "died"),
                new Mark("podman: container removed", "remove"), new Mark("client exited", "exit"));
        for (Side side : Side.values()) {
            List<Mark> marks = side == Side.OURS ? ours : bare;
            List<Map<String, Long>> timelines = new ArrayList<>();
            int incomplete = 0;
            for (Launch launch : latency) {
                if (launch.side() != side) {
                    continue;
                }
                Map<String, Long> timeline = new HashMap<>();
                timeline.put("spawn", launch.startNanos());
                timeline.put("exit", launch.endNanos());
                String container = side == Side.OURS ? "heroa-" + launch.id() : launch.id();
                Optional.ofNullable(events.get(container)).ifPresent(timeline::putAll);
                Optional.ofNullable(rows.get(launch.id())).ifPresent(timeline::putAll);
                if (marks.stream().allMatch(mark -> timeline.containsKey(mark.key()))) {
                    timelines.add(timeline);
                } else {
                    incomplete++;
                }
            }
            System.out.printf(Locale.ROOT, "TASKS phases side=%s launches=%d incomplete=%d%n", side.name().toLowerCase(Locale.ROOT), timelines.size(), incomplete);
            if (side == Side.BARE && !timelines.isEmpty()) {
                // A stricter baseline: the bare launch until Podman removed its container, without what the remote CLI
                // does after that before it exits.
                long[] removed = timelines.stream().mapToLong(timeline -> timeline.get("remove") - timeline.get("spawn")).sorted().toArray();
                System.out.printf(Locale.ROOT, "TASKS strict side=bare until=removed n=%d p50_ms=%.1f p99_ms=%.1f%n", removed.length,
                        percentile(removed, 50) / 1e6, percentile(removed, 99) / 1e6);
            }
            for (int i = 1; i < marks.size(); i++) {
                Mark from = marks.get(i - 1);
                Mark to = marks.get(i);
                long[] gaps = timelines.stream().mapToLong(timeline -> timeline.get(to.key()) - timeline.get(from.key())).sorted().toArray();
                System.out.printf(Locale.ROOT, "TASKS phase side=%s from=%s to=%s median_ms=%.1f p90_ms=%.1f p99_ms=%.1f | %s -> %s%n",
                        side.name().toLowerCase(Locale.ROOT), from.key(), to.key(), percentile(gaps, 50) / 1e6, percentile(gaps, 90) / 1e6,
                        percentile(gaps, 99) / 1e6, from.name(), to.name());
            }
        }
    }

    /**
     * The appliance's own phase timer: TaskRunner logs at DEBUG, for each task, {@code task <id> phases (ms): create=N
     * inspect=N ...}. Medians and tails of each phase over the given launches of ours.
     */
    private static void runnerPhases(Path log, List<Launch> launches, String section) throws IOException {
        java.util.Set<String> ids = new java.util.HashSet<>();
        launches.stream().filter(launch -> launch.side() == Side.OURS).forEach(launch -> ids.add(launch.id()));
        java.util.regex.Pattern line = java.util.regex.Pattern.compile("task (task_[0-9a-f]+) phases \\(ms\\): (.*)$");
        Map<String, List<Long>> phases = new LinkedHashMap<>();
        int found = 0;
        for (String text : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            java.util.regex.Matcher matcher = line.matcher(text);
            if (!matcher.find() || !ids.contains(matcher.group(1))) {
                continue;
            }
            found++;
            for (String pair : matcher.group(2).trim().split(" ")) {
                String[] parts = pair.split("=");
                phases.computeIfAbsent(parts[0], key -> new ArrayList<>()).add(Long.parseLong(parts[1]));
            }
        }
        System.out.printf(Locale.ROOT, "TASKS runner section=%s tasks=%d of %d%n", section, found, ids.size());
        for (Map.Entry<String, List<Long>> phase : phases.entrySet()) {
            long[] values = phase.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "TASKS runner section=%s phase=%s median_ms=%d p90_ms=%d p99_ms=%d%n", section, phase.getKey(),
                    percentile(values, 50), percentile(values, 90), percentile(values, 99));
        }
    }

    /** created_at, started_at and ended_at of each task, in epoch nanoseconds (PostgreSQL keeps microseconds). */
    private static Map<String, Map<String, Long>> taskTimes(List<String> ids, String jdbcUrl) throws SQLException {
        Map<String, Map<String, Long>> times = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "");
             PreparedStatement select = connection.prepareStatement("SELECT id, created_at, started_at, ended_at FROM task WHERE id = ANY (?)")) {
            Array array = connection.createArrayOf("text", ids.toArray());
            select.setArray(1, array);
            try (ResultSet row = select.executeQuery()) {
                while (row.next()) {
                    Map<String, Long> marks = new HashMap<>();
                    marks.put("created", nanos(row.getObject("created_at", OffsetDateTime.class)));
                    marks.put("started", nanos(row.getObject("started_at", OffsetDateTime.class)));
                    marks.put("ended", nanos(row.getObject("ended_at", OffsetDateTime.class)));
                    times.put(row.getString("id"), marks);
                }
            }
        }
        return times;
    }

    private static long nanos(OffsetDateTime time) {
        Instant instant = time.toInstant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** Every task of ours: stored as succeeded with exit code 0, and audited as accepted, started and completed (exitCode 0). */
    private static void checkAudit(List<Launch> ours, String jdbcUrl) throws SQLException, IOException {
        List<String> ids = ours.stream().map(Launch::id).toList();
        Map<String, List<String>> actions = new HashMap<>();
        int succeeded = 0;
        int completedWithExitZero = 0;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM task WHERE id = ANY (?) AND status = 'succeeded' AND exit_code = 0")) {
                select.setArray(1, connection.createArrayOf("text", ids.toArray()));
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    succeeded = row.getInt(1);
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT target, action, details FROM audit_log WHERE target = ANY (?) ORDER BY seq")) {
                select.setArray(1, connection.createArrayOf("text", ids.stream().map(id -> "task:" + id).toArray()));
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        String id = row.getString("target").substring("task:".length());
                        actions.computeIfAbsent(id, key -> new ArrayList<>()).add(row.getString("action"));
                        if (row.getString("action").equals("task.completed") && JSON.readTree(row.getString("details")).path("exitCode").asText().equals("0")) {
                            completedWithExitZero++;
                        }
                    }
                }
            }
        }
        long audited = ids.stream().filter(id -> actions.getOrDefault(id, List.of()).equals(List.of("task.accepted", "task.started", "task.completed"))).count();
        System.out.printf(Locale.ROOT, "TASKS audit tasks=%d succeeded_exit_0=%d audited_accepted_started_completed=%d completed_exit_code_0=%d%n",
                ids.size(), succeeded, audited, completedWithExitZero);
        if (succeeded != ids.size() || audited != ids.size() || completedWithExitZero != ids.size()) {
            throw new IllegalStateException("some tasks of ours are not stored as succeeded or lack their audit entries");
        }
    }

    private static void writeCsv(Path file, List<Launch> launches) throws IOException {
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            writer.println("side,phase,sequence,start_epoch_ns,end_epoch_ns,ms,id,curl_tls_s,curl_total_s,cpu_machine_ticks,cpu_appliance_ticks,"
                    + "cpu_appliance_jit_ticks,cpu_appliance_gc_ticks,cpu_podman_ticks");
            List<Launch> sorted = new ArrayList<>(launches);
            sorted.sort((a, b) -> Long.compare(a.startNanos(), b.startNanos()));
            for (Launch launch : sorted) {
                Cpu cpu = launch.cpu();
                writer.printf(Locale.ROOT, "%s,%s,%d,%d,%d,%.3f,%s,%.6f,%.6f,%d,%d,%d,%d,%d%n", launch.side().name().toLowerCase(Locale.ROOT), launch.phase(),
                        launch.sequence(), launch.startNanos(), launch.endNanos(), launch.nanos() / 1e6, launch.id(), launch.tlsSeconds(),
                        launch.curlSeconds(), cpu.machine(), cpu.appliance(), cpu.applianceJit(), cpu.applianceGc(), cpu.podman());
            }
        }
    }

    static double mean(long[] values) {
        return Arrays.stream(values).average().orElse(0);
    }

    /** Nearest-rank percentile of sorted values (p99 of 100 values is the 99th smallest). */
    static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
