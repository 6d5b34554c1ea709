package ca.heroa.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Task launch with egress: the appliance's synchronous {@code POST /v1/workspaces/{ws}/tasks} of a template whose
 * egress allows one lab host (one {@code curl} process per task) against {@code egress-bare.sh}, a shell script doing
 * the same kernel and Podman steps by hand for the same container (one {@code bash} process per launch). Each launch is
 * timed the same way as in {@link TaskBench}: from just before the client process is spawned to just after it exited.
 * {@code --warmup} unmeasured pairs, then {@code --iterations} pairs, one launch at a time, alternating (ours first in
 * even pairs, bare first in odd ones).
 * <p>
 * Every launch must have reached the lab host (its output holds the host's greeting) and every side's firewall must have
 * counted allowed packets out: the appliance's from each task's {@code task.completed} audit entry
 * ({@code egressAllowedOutPackets}), the script's from the counters it read. Any failure stops the run.
 * <p>
 * Parseable output lines start with {@code EGRESS }. Usage: {@code EgressBench --curl-config FILE --bare-script FILE
 * --render-dir DIR --bare-args FILE --podman PODMAN --socket SOCKET --jdbc-url URL --out-dir DIR --name-prefix STEM
 * --cgroup-prefix PATH --netns-prefix PREFIX --files-dir DIR --expect TEXT [--appliance-log FILE] [--iterations 100]
 * [--warmup 20]}. {@code --bare-args} holds the arguments of {@code podman run}, one per line, where {@code {name}},
 * {@code {cgroup}}, {@code {netns}} and {@code {netfiles}} stand for the container's name, cgroup parent, network
 * namespace and the directory of its {@code /etc/hosts} and {@code /etc/resolv.conf}, different per launch.
 */
public final class EgressBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LAUNCH_LIMIT_SECONDS = 50;

    enum Side { OURS, BARE }

    record Launch(Side side, String phase, int sequence, long nanos, String id, Map<String, Long> steps) {
    }

    private final List<String> curl;
    private final List<String> bareTemplate;
    private final String namePrefix;
    private final String cgroupPrefix;
    private final String netnsPrefix;
    private final Path filesDirectory;
    private final String expect;
    private final Path scratch;
    private int oursSequence;
    private int bareSequence;

    private EgressBench(Options options, Path scratch) throws IOException {
        this.curl = List.of("curl", "-sS", "-K", options.required("curl-config"));
        List<String> bare = new ArrayList<>(List.of("bash", options.required("bare-script"), options.required("render-dir"), "{netns}",
                "{netfiles}", "--", options.required("podman"), "--url", "unix://" + options.required("socket"), "run"));
        bare.addAll(Files.readAllLines(Path.of(options.required("bare-args")), StandardCharsets.UTF_8).stream().filter(line -> !line.isEmpty()).toList());
        this.bareTemplate = List.copyOf(bare);
        this.namePrefix = options.required("name-prefix");
        this.cgroupPrefix = options.required("cgroup-prefix");
        this.netnsPrefix = options.required("netns-prefix");
        this.filesDirectory = Path.of(options.required("files-dir"));
        this.expect = options.required("expect");
        this.scratch = scratch;
    }

    public static void main(String[] args) throws Exception {
        Options options = new Options(args);
        Path out = Files.createDirectories(Path.of(options.required("out-dir")));
        EgressBench bench = new EgressBench(options, Files.createDirectories(out.resolve("scratch")));
        int iterations = options.integer("iterations", 100);
        int warmup = options.integer("warmup", 20);
        List<Launch> all = new ArrayList<>();
        say(warmup + " unmeasured pairs, then " + iterations + " pairs, alternating");
        for (int i = 0; i < warmup; i++) {
            all.add(bench.launch(i % 2 == 0 ? Side.OURS : Side.BARE, "warmup"));
            all.add(bench.launch(i % 2 == 0 ? Side.BARE : Side.OURS, "warmup"));
        }
        for (int i = 0; i < iterations; i++) {
            Side first = i % 2 == 0 ? Side.OURS : Side.BARE;
            all.add(bench.launch(first, "latency"));
            all.add(bench.launch(first == Side.OURS ? Side.BARE : Side.OURS, "latency"));
            if ((i + 1) % 20 == 0) {
                say((i + 1) + " of " + iterations + " pairs");
            }
        }
        writeCsv(out.resolve("launches.csv"), all);

        List<Launch> latency = all.stream().filter(launch -> launch.phase().equals("latency")).toList();
        for (Side side : Side.values()) {
            long[] values = latency.stream().filter(launch -> launch.side() == side).mapToLong(Launch::nanos).sorted().toArray();
            System.out.printf(Locale.ROOT, "EGRESS latency side=%s n=%d mean_ms=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f min_ms=%.1f max_ms=%.1f%n",
                    side.name().toLowerCase(Locale.ROOT), values.length, TaskBench.mean(values) / 1e6, TaskBench.percentile(values, 50) / 1e6,
                    TaskBench.percentile(values, 90) / 1e6, TaskBench.percentile(values, 99) / 1e6, values[0] / 1e6, values[values.length - 1] / 1e6);
        }
        // For information: the script until its counters were read, without its release steps (wall entry removal, link and
        // namespace deletion), which the appliance may run after it answered.
        long[] unreleased = latency.stream().filter(launch -> launch.side() == Side.BARE)
                .mapToLong(launch -> launch.nanos() - 1000 * (launch.steps().getOrDefault("wall_remove", 0L) + launch.steps().getOrDefault("delete", 0L)))
                .sorted().toArray();
        System.out.printf(Locale.ROOT, "EGRESS unreleased side=bare n=%d p50_ms=%.1f p99_ms=%.1f%n", unreleased.length,
                TaskBench.percentile(unreleased, 50) / 1e6, TaskBench.percentile(unreleased, 99) / 1e6);
        // The script's own steps (microseconds, from bash's EPOCHREALTIME), for the measured bare launches.
        Map<String, List<Long>> steps = new LinkedHashMap<>();
        latency.stream().filter(launch -> launch.side() == Side.BARE)
                .forEach(launch -> launch.steps().forEach((name, micros) -> steps.computeIfAbsent(name, key -> new ArrayList<>()).add(micros)));
        for (Map.Entry<String, List<Long>> step : steps.entrySet()) {
            long[] values = step.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "EGRESS step side=bare step=%s median_ms=%.1f p90_ms=%.1f p99_ms=%.1f%n", step.getKey(),
                    TaskBench.percentile(values, 50) / 1e3, TaskBench.percentile(values, 90) / 1e3, TaskBench.percentile(values, 99) / 1e3);
        }
        List<String> ours = latency.stream().filter(launch -> launch.side() == Side.OURS).map(Launch::id).toList();
        if (options.optional("appliance-log").isPresent()) {
            applianceTimers(Path.of(options.required("appliance-log")), ours);
        }
        checkAudit(all.stream().filter(launch -> launch.side() == Side.OURS).map(Launch::id).toList(), options.required("jdbc-url"));
    }

    static void say(String message) {
        System.err.println("bench: egress: " + message);
    }

    /** Launches one task of {@code side}, waits for its client process to exit and checks it reached the lab host. */
    private Launch launch(Side side, String phase) throws IOException, InterruptedException {
        int sequence = side == Side.OURS ? ++oursSequence : ++bareSequence;
        String name = namePrefix + "-" + sequence;
        String netns = netnsPrefix + sequence;
        String files = filesDirectory.resolve(Integer.toString(sequence)).toString();
        List<String> command = side == Side.OURS ? curl : bareTemplate.stream().map(argument -> argument.replace("{name}", name)
                .replace("{cgroup}", cgroupPrefix + "/" + sequence).replace("{netns}", netns).replace("{netfiles}", files)).toList();
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
        String label = side == Side.OURS ? "appliance" : "bare script";
        if (!ended) {
            throw new IllegalStateException(label + " launch " + sequence + " did not end within " + LAUNCH_LIMIT_SECONDS + " s: " + text.strip());
        }
        int status = process.exitValue();
        if (side == Side.BARE) {
            if (status != 0 || text.contains("BARE error") || !text.contains(expect)) {
                throw new IllegalStateException("bare script launch " + sequence + " exited with " + status + ": " + text.strip());
            }
            Map<String, Long> steps = new LinkedHashMap<>();
            String counters = "";
            for (String line : text.lines().toList()) {
                if (line.startsWith("BARE steps ")) {
                    for (String pair : line.substring("BARE steps ".length()).trim().split(" ")) {
                        String[] parts = pair.split("=");
                        steps.put(parts[0], Long.parseLong(parts[1]));
                    }
                } else if (line.startsWith("BARE counters ")) {
                    counters = line.substring("BARE counters ".length());
                }
            }
            long allowedOut = allowedOut(counters);
            if (allowedOut <= 0) {
                throw new IllegalStateException("bare script launch " + sequence + ": its firewall counted no allowed packet out: " + counters);
            }
            return new Launch(side, phase, sequence, end - start, name, steps);
        }
        String trimmed = text.stripTrailing();
        int cut = trimmed.lastIndexOf('\n');
        String[] timings = (cut < 0 ? trimmed : trimmed.substring(cut + 1)).trim().split(" ");
        String body = cut < 0 ? "" : trimmed.substring(0, cut);
        if (status != 0 || timings.length != 3 || !timings[0].equals("200")) {
            throw new IllegalStateException("task request failed (curl exit " + status + "): " + text.strip());
        }
        JsonNode task = JSON.readTree(body);
        if (!"succeeded".equals(task.path("status").asText()) || task.path("exitCode").asInt(-1) != 0
                || !task.path("output").path("stdout").asText().contains(expect)) {
            throw new IllegalStateException("task did not reach the lab host: " + body);
        }
        return new Launch(side, phase, sequence, end - start, task.path("id").asText(), Map.of());
    }

    /** The packets of the counter {@code allowed_out} in {@code nft -j list counters} output. */
    private static long allowedOut(String json) throws IOException {
        if (!json.startsWith("{")) {
            return -1;
        }
        for (JsonNode item : JSON.readTree(json).path("nftables")) {
            JsonNode counter = item.path("counter");
            if ("allowed_out".equals(counter.path("name").asText())) {
                return counter.path("packets").asLong(-1);
            }
        }
        return -1;
    }

    /**
     * The appliance's own timers for the given tasks, from its DEBUG log: TaskRunner's phases ({@code task <id> phases
     * (ms): network=N create=N ...}) and KernelTaskNetworks' prepare and release ({@code prepared <netns> (<link>) in N
     * us}, {@code released <netns> in N us}).
     */
    private static void applianceTimers(Path log, List<String> ids) throws IOException {
        Set<String> tasks = new HashSet<>(ids);
        Set<String> hexes = new HashSet<>();
        ids.forEach(id -> hexes.add(id.substring("task_".length())));
        Pattern phasesLine = Pattern.compile("task (task_[0-9a-f]+) phases \\(ms\\): (.*)$");
        Pattern networkLine = Pattern.compile("(prepared|released) heroa-[0-9a-f]{12}-([0-9a-f]+)\\b.* in (\\d+) us");
        Map<String, List<Long>> phases = new LinkedHashMap<>();
        Map<String, List<Long>> networks = new LinkedHashMap<>();
        int found = 0;
        for (String text : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher phase = phasesLine.matcher(text);
            if (phase.find() && tasks.contains(phase.group(1))) {
                found++;
                for (String pair : phase.group(2).trim().split(" ")) {
                    String[] parts = pair.split("=");
                    phases.computeIfAbsent(parts[0], key -> new ArrayList<>()).add(Long.parseLong(parts[1]) * 1000);
                }
                continue;
            }
            Matcher network = networkLine.matcher(text);
            if (network.find() && hexes.contains(network.group(2))) {
                networks.computeIfAbsent(network.group(1).equals("prepared") ? "prepare" : "release", key -> new ArrayList<>())
                        .add(Long.parseLong(network.group(3)));
            }
        }
        System.out.printf(Locale.ROOT, "EGRESS runner tasks=%d of %d%n", found, ids.size());
        Map<String, List<Long>> all = new LinkedHashMap<>(phases);
        networks.forEach((name, values) -> all.put("networks." + name, values));
        for (Map.Entry<String, List<Long>> entry : all.entrySet()) {
            long[] values = entry.getValue().stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "EGRESS runner phase=%s median_ms=%.1f p90_ms=%.1f p99_ms=%.1f%n", entry.getKey(),
                    TaskBench.percentile(values, 50) / 1e3, TaskBench.percentile(values, 90) / 1e3, TaskBench.percentile(values, 99) / 1e3);
        }
    }

    /** Every task of ours: stored as succeeded with exit code 0, its task.completed entry counting allowed packets out. */
    private static void checkAudit(List<String> ids, String jdbcUrl) throws SQLException, IOException {
        int succeeded;
        int counted = 0;
        long minimum = Long.MAX_VALUE;
        Map<String, Long> packets = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
            try (PreparedStatement select = connection.prepareStatement("SELECT count(*) FROM task WHERE id = ANY (?) AND status = 'succeeded' AND exit_code = 0")) {
                select.setArray(1, connection.createArrayOf("text", ids.toArray()));
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    succeeded = row.getInt(1);
                }
            }
            try (PreparedStatement select = connection.prepareStatement("SELECT target, details FROM audit_log WHERE target = ANY (?) AND action = 'task.completed'")) {
                select.setArray(1, connection.createArrayOf("text", ids.stream().map(id -> "task:" + id).toArray()));
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        long allowed = JSON.readTree(row.getString("details")).path("egressAllowedOutPackets").asLong(-1);
                        packets.put(row.getString("target"), allowed);
                    }
                }
            }
        }
        for (long allowed : packets.values()) {
            if (allowed > 0) {
                counted++;
            }
            minimum = Math.min(minimum, allowed);
        }
        System.out.printf(Locale.ROOT, "EGRESS audit tasks=%d succeeded_exit_0=%d completed_with_allowed_out_packets=%d min_allowed_out_packets=%d%n",
                ids.size(), succeeded, counted, packets.isEmpty() ? 0 : minimum);
        if (succeeded != ids.size() || counted != ids.size()) {
            throw new IllegalStateException("some tasks of ours are not stored as succeeded or their audit entry counted no allowed packet out");
        }
    }

    private static void writeCsv(Path file, List<Launch> launches) throws IOException {
        try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            writer.println("side,phase,sequence,ms,id,steps_us");
            for (Launch launch : launches) {
                writer.printf(Locale.ROOT, "%s,%s,%d,%.3f,%s,%s%n", launch.side().name().toLowerCase(Locale.ROOT), launch.phase(), launch.sequence(),
                        launch.nanos() / 1e6, launch.id(), launch.steps().toString().replace(", ", " ").replace("{", "").replace("}", ""));
            }
        }
    }
}
