package ca.heroa.residency.bench.nft;

import ca.heroa.residency.HostAddresses;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.country.CountryRanges;
import ca.heroa.residency.country.DatasetFile;
import ca.heroa.residency.country.DatasetSource;
import ca.heroa.residency.network.NetworkSettings;
import ca.heroa.residency.network.TaskNetwork;
import ca.heroa.residency.network.TaskNetworks;
import ca.heroa.residency.nft.NftRuleset;
import ca.heroa.residency.nft.Nftables;
import ca.heroa.residency.plan.Allowance;
import ca.heroa.residency.plan.Destination;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.plan.EgressPlanner;
import ca.heroa.residency.plan.PlanResult;
import ca.heroa.residency.plan.PortRange;
import ca.heroa.residency.plan.Protocol;
import ca.heroa.residency.plan.Resolver;
import ca.heroa.residency.plan.SiteAllowances;
import ca.heroa.residency.process.Command;
import ca.heroa.residency.process.CommandResult;
import ca.heroa.residency.process.ProcessHostCommands;
import ca.heroa.residency.process.Program;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Plan + render + apply of a task's ruleset (EgressPlanner, NftRuleset, Nftables through ProcessHostCommands, i.e.
 * {@code nsenter --net=<ns> -- nft -f -} with the text on stdin) against {@code nsenter --net=<ns> -- nft -f <file>} of
 * the same text, started the same way (ProcessBuilder) from the same JVM: alternating pairs, order swapped every pair,
 * after a warm-up, into one namespace (the ruleset replaces itself atomically). Then, for information, the time of
 * TaskNetworks.prepare and release. Prints "NFT ..." lines that run.sh reads. Run as root.
 */
public final class NftApplyBench {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private NftApplyBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = Map.of("--warmup", 100, "--iterations", 500, "--lifecycle-warmup", 20, "--lifecycle", 200);
        Map<String, Integer> chosen = new java.util.HashMap<>(options);
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: " + options.keySet());
            }
            chosen.put(args[i], Integer.parseInt(args[i + 1]));
        }
        Path work = Path.of(System.getProperty("heroa.bench.work", System.getProperty("java.io.tmpdir")));
        ProcessHostCommands commands = ProcessHostCommands.create(List.of(Program.IP, Program.NFT, Program.NSENTER));
        String hex = HexFormat.of().formatHex(random(8));
        applyBench(commands, "heroa-bench-" + hex.substring(0, 8), work, chosen.get("--warmup"), chosen.get("--iterations"));
        lifecycleBench(commands, hex.substring(4, 16), chosen.get("--lifecycle-warmup"), chosen.get("--lifecycle"));
    }

    private static void applyBench(ProcessHostCommands commands, String namespace, Path work, int warmup, int iterations) throws IOException {
        EgressPlanner planner = planner(work);
        List<Allowance> declared = List.of(
                allow("api.example.ca", Protocol.TCP, 443),
                allow("files.example.ca", Protocol.TCP, 443, 8443),
                allow("198.51.100.53", Protocol.UDP, 5353),
                allow("2001:db8:ca:1::/64", Protocol.TCP, 443));
        EgressPlan plan = plan(planner, declared);
        String ruleset = NftRuleset.task(plan);
        Path file = work.resolve("heroa-bench-ruleset-" + ProcessHandle.current().pid() + ".nft");
        Files.writeString(file, ruleset);
        Path replacingFile = work.resolve("heroa-bench-replacing-" + ProcessHandle.current().pid() + ".nft");
        Files.writeString(replacingFile, NftRuleset.taskReplacing(plan));
        Nftables nftables = Nftables.create(commands);
        String nsenter = commands.path(Program.NSENTER).toString();
        String nft = commands.path(Program.NFT).toString();
        Path[] netns = new Path[2];
        Runnable ours = () -> nftables.apply(Optional.of(netns[0]), NftRuleset.task(plan(planner, declared)));
        Runnable baseline = () -> nftFile(nsenter, nft, netns[1], file);
        Runnable oursReplacing = () -> nftables.apply(Optional.of(netns[0]), NftRuleset.taskReplacing(plan(planner, declared)));
        Runnable baselineReplacing = () -> nftFile(nsenter, nft, netns[0], replacingFile);
        try {
            System.out.printf(Locale.ROOT, "NFT ruleset rules=%d bytes=%d planned_addresses=%d%n", plan.rules().size(),
                    ruleset.getBytes(StandardCharsets.UTF_8).length, plan.hosts().stream().mapToInt(host -> host.addresses().size()).sum());
            long[] plain = new long[20_000];
            for (int i = 0; i < plain.length; i++) {
                long began = System.nanoTime();
                NftRuleset.task(plan(planner, declared));
                plain[i] = System.nanoTime() - began;
            }
            System.out.printf(Locale.ROOT, "NFT in_jvm plan_render p50_us=%.1f p99_us=%.1f%n", percentile(plain, 50) / 1e3, percentile(plain, 99) / 1e3);

            // Into a new namespace each time, as TaskNetworks.prepare does: two fresh ones per pair, made outside the timing.
            long[][] fresh = pairs(warmup, iterations, ours, baseline, () -> {
                for (int side = 0; side < 2; side++) {
                    netns[side] = Path.of("/run/netns", namespace + "-" + side);
                    check(commands.run(Command.of(TIMEOUT, "ip", "netns", "add", namespace + "-" + side)), "ip netns add");
                }
            }, () -> {
                for (int side = 0; side < 2; side++) {
                    check(commands.run(Command.of(TIMEOUT, "ip", "netns", "delete", namespace + "-" + side)), "ip netns delete");
                }
            });
            report("apply side=ours", fresh[0]);
            report("apply side=baseline", fresh[1]);
            System.out.printf(Locale.ROOT, "NFT apply ratio p50=%.3f p99=%.3f pairs=%d warmup=%d%n",
                    percentile(fresh[0], 50) / percentile(fresh[1], 50), percentile(fresh[0], 99) / percentile(fresh[1], 99), iterations, warmup);

            // For information: the replacing form, applied again and again to one namespace holding the table.
            netns[0] = Path.of("/run/netns", namespace + "-replace");
            check(commands.run(Command.of(TIMEOUT, "ip", "netns", "add", namespace + "-replace")), "ip netns add");
            try {
                nftables.apply(Optional.of(netns[0]), NftRuleset.task(plan));
                int replaceIterations = Math.max(10, iterations / 5);
                long[][] replacing = pairs(Math.max(5, warmup / 5), replaceIterations, oursReplacing, baselineReplacing, () -> { }, () -> { });
                report("replace side=ours", replacing[0]);
                report("replace side=baseline", replacing[1]);
                CommandResult listed = commands.run(Command.of(TIMEOUT, "nsenter", "--net=" + netns[0], "--", "nft", "list", "ruleset"));
                check(listed, "nft list ruleset");
                System.out.printf(Locale.ROOT, "NFT check tables_after_replacing=%d planned_rules=%d%n",
                        listed.stdout().lines().filter(line -> line.startsWith("table ")).count(),
                        listed.stdout().lines().filter(line -> line.contains("ct state new")).count());
            } finally {
                commands.run(Command.of(TIMEOUT, "ip", "netns", "delete", namespace + "-replace"));
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(replacingFile);
        }
    }

    /** Alternating pairs (order swapped every pair) after a warm-up; {@code before} and {@code after} run untimed around each pair. */
    private static long[][] pairs(int warmup, int iterations, Runnable ours, Runnable baseline, Runnable before, Runnable after) {
        long[] oursTimes = new long[iterations];
        long[] baselineTimes = new long[iterations];
        for (int i = -warmup; i < iterations; i++) {
            before.run();
            try {
                boolean oursFirst = (i & 1) == 0;
                long first = time(oursFirst ? ours : baseline);
                long second = time(oursFirst ? baseline : ours);
                if (i >= 0) {
                    oursTimes[i] = oursFirst ? first : second;
                    baselineTimes[i] = oursFirst ? second : first;
                }
            } finally {
                after.run();
            }
        }
        return new long[][] {oursTimes, baselineTimes};
    }

    /** The baseline: nft reading the same text from a file, started with ProcessBuilder from this JVM. */
    private static void nftFile(String nsenter, String nft, Path netns, Path file) {
        try {
            Process process = new ProcessBuilder(nsenter, "--net=" + netns, "--", nft, "-f", file.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().close();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("nft -f " + file + " exited " + process.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void lifecycleBench(ProcessHostCommands commands, String applianceId, int warmup, int iterations) {
        SecureRandom random = new SecureRandom();
        NetworkSettings settings = new NetworkSettings(applianceId,
                Cidr.parse("10." + (200 + random.nextInt(40)) + "." + random.nextInt(256) + ".0/24"),
                Cidr.parse(String.format(Locale.ROOT, "fd68:%x:%x::/48", random.nextInt(0x10000), random.nextInt(0x10000))));
        TaskNetworks networks = TaskNetworks.create(settings, commands);
        EgressPlan plan = new EgressPlan(List.of(
                new ca.heroa.residency.plan.PlannedRule(Cidr.parse("198.51.100.10"), Protocol.TCP, List.of(PortRange.of(443)), "api.example.ca"),
                new ca.heroa.residency.plan.PlannedRule(Cidr.parse("2001:db8:ca::10"), Protocol.TCP, List.of(PortRange.of(443)), "api.example.ca")),
                List.of());
        try {
            networks.start();
            for (boolean withLink : new boolean[] {true, false}) {
                EgressPlan used = withLink ? plan : EgressPlan.none();
                long[] prepare = new long[iterations];
                long[] release = new long[iterations];
                for (int i = -warmup; i < iterations; i++) {
                    long began = System.nanoTime();
                    TaskNetwork network = networks.prepare("bench" + (i + warmup), used);
                    long prepared = System.nanoTime();
                    networks.release(network);
                    long released = System.nanoTime();
                    if (i >= 0) {
                        prepare[i] = prepared - began;
                        release[i] = released - prepared;
                    }
                }
                String plan_ = withLink ? "plan=2_rules processes_prepare=5 processes_release=3" : "plan=empty processes_prepare=3 processes_release=2";
                report("lifecycle prepare " + plan_, prepare);
                report("lifecycle release " + plan_, release);
            }
        } finally {
            commands.run(Command.of(TIMEOUT, "nft", "delete", "table", "inet", settings.hostWall().table()));
        }
    }

    private static EgressPlanner planner(Path work) throws IOException {
        Path csv = work.resolve("heroa-bench-ranges-" + ProcessHandle.current().pid() + ".csv");
        Files.writeString(csv, """
                198.51.100.0,198.51.100.255,CA
                203.0.113.0,203.0.113.255,US
                2001:db8:ca::,2001:db8:ca:ffff:ffff:ffff:ffff:ffff,CA
                2001:db8:99::,2001:db8:99:ffff:ffff:ffff:ffff:ffff,US
                """);
        CountryRanges ranges;
        try {
            ranges = CountryRanges.load(new DatasetSource("bench", List.of(new DatasetFile(csv, Optional.empty()))));
        } finally {
            Files.deleteIfExists(csv);
        }
        HostAddresses none = Set::of;
        SiteAllowances site = new SiteAllowances(List.of(
                new Allowance(Destination.parse("198.51.100.0/24"), List.of(PortRange.of(443), PortRange.of(8443)), Protocol.TCP),
                new Allowance(Destination.parse("198.51.100.0/24"), List.of(PortRange.of(5353)), Protocol.UDP),
                new Allowance(Destination.parse("2001:db8:ca::/48"), List.of(PortRange.of(443)), Protocol.TCP),
                new Allowance(Destination.parse("api.example.ca"), List.of(PortRange.of(443)), Protocol.TCP),
                new Allowance(Destination.parse("files.example.ca"), List.of(PortRange.of(443), PortRange.of(8443)), Protocol.TCP)));
        Map<String, List<InetAddress>> answers = Map.of(
                "api.example.ca", addresses("198.51.100.10", "198.51.100.11", "2001:db8:ca::10"),
                "files.example.ca", addresses("198.51.100.20"));
        Resolver resolver = name -> answers.getOrDefault(name.name(), List.of());
        return new EgressPlanner(ResidencyGuard.create(ranges, List.of(), none), site, resolver,
                List.of(NetworkSettings.DEFAULT_IPV4_SUBNET, NetworkSettings.DEFAULT_IPV6_SUBNET));
    }

    private static EgressPlan plan(EgressPlanner planner, List<Allowance> declared) {
        PlanResult result = planner.plan(declared);
        if (result instanceof PlanResult.Planned planned) {
            return planned.plan();
        }
        throw new IllegalStateException("the benchmark's plan was refused: " + result);
    }

    private static Allowance allow(String destination, Protocol protocol, int... ports) {
        return new Allowance(Destination.parse(destination), Arrays.stream(ports).mapToObj(PortRange::of).toList(), protocol);
    }

    private static List<InetAddress> addresses(String... literals) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String literal : literals) {
            addresses.add(Cidr.parseAddress(literal));
        }
        return addresses;
    }

    private static long time(Runnable action) {
        long began = System.nanoTime();
        action.run();
        return System.nanoTime() - began;
    }

    private static void report(String what, long[] nanos) {
        System.out.printf(Locale.ROOT, "NFT %s p50_ms=%.3f p99_ms=%.3f mean_ms=%.3f min_ms=%.3f n=%d%n", what, percentile(nanos, 50) / 1e6,
                percentile(nanos, 99) / 1e6, Arrays.stream(nanos).average().orElse(0) / 1e6, Arrays.stream(nanos).min().orElse(0) / 1e6,
                nanos.length);
    }

    /** Nearest-rank percentile. */
    private static double percentile(long[] values, int percent) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static void check(CommandResult result, String what) {
        if (!result.succeeded()) {
            throw new IllegalStateException(what + " failed: " + result.stderr());
        }
    }

    private static byte[] random(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
