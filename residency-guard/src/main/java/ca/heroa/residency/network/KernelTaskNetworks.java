package ca.heroa.residency.network;

import ca.heroa.residency.nft.EgressCounters;
import ca.heroa.residency.nft.HostWall;
import ca.heroa.residency.nft.NftRuleset;
import ca.heroa.residency.nft.Nftables;
import ca.heroa.residency.nft.NftablesException;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.process.Command;
import ca.heroa.residency.process.CommandResult;
import ca.heroa.residency.process.HostCommandException;
import ca.heroa.residency.process.HostCommands;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;
import static java.util.Objects.requireNonNull;

/**
 * Task networks made with {@code ip} and {@code nft}. A prepare runs five programs: {@code ip netns add}, {@code nft} in
 * the namespace (policy drop before any link exists), {@code nft} for the host wall entry, one {@code ip -batch} on the
 * host (veth pair with its peer created inside the namespace, gateway addresses, static neighbours) and one inside the
 * namespace (loopback, task addresses, static neighbours, default routes). An empty plan needs three: the namespace,
 * its ruleset and loopback. A release runs three: counters, wall entry removal, one {@code ip -batch} deleting the link
 * and the namespace (and a fourth, checking the link is gone, only when that batch reported an error).
 */
final class KernelTaskNetworks implements TaskNetworks {
    static final Path NETNS_DIRECTORY = Path.of("/run/netns");
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(KernelTaskNetworks.class.getName());
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,40}");
    private static final int QUOTED_STDERR = 1_000;

    private final NetworkSettings settings;
    private final HostCommands commands;
    private final Nftables nftables;
    private final HostKernel kernel;
    private final HostWall wall;
    private final SlotAllocator slots;
    private final Map<String, TaskNetwork> active = new ConcurrentHashMap<>();
    private volatile boolean started;

    KernelTaskNetworks(NetworkSettings settings, HostCommands commands, Nftables nftables, HostKernel kernel) {
        this.settings = requireNonNull(settings, "settings is null");
        this.commands = requireNonNull(commands, "commands is null");
        this.nftables = requireNonNull(nftables, "nftables is null");
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.wall = settings.hostWall();
        this.slots = new SlotAllocator(settings.slots());
    }

    @Override
    public synchronized void start() {
        kernel.requirePrivileges();
        kernel.enableForwarding();
        try {
            nftables.apply(Optional.empty(), NftRuleset.hostWall(wall));
        } catch (NftablesException e) {
            throw new TaskNetworkException("cannot install the host wall (table inet " + wall.table() + "): " + e.getMessage(), e);
        }
        List<String> leftovers = leftovers();
        if (!leftovers.isEmpty()) {
            CommandResult result = batch(Optional.empty(), true, leftovers);
            LOG.log(result.succeeded() ? INFO : WARNING, "removed " + leftovers.size() + " leftover task interfaces and namespaces"
                    + (result.succeeded() ? "" : "; some could not be removed: " + result.stderrExcerpt(QUOTED_STDERR)));
        }
        active.clear();
        slots.reset();
        started = true;
    }

    /** {@code ip -batch} lines deleting every interface and namespace with this appliance's prefixes (interfaces first). */
    private List<String> leftovers() {
        List<String> leftovers = new ArrayList<>();
        for (String line : run("list the network namespaces", "ip", "netns", "list").stdout().lines().toList()) {
            String name = line.strip().split("\\s+", 2)[0];
            if (name.startsWith(settings.namespacePrefix())) {
                leftovers.add("netns delete " + name);
            }
        }
        for (String line : run("list the network interfaces", "ip", "-o", "link", "show").stdout().lines().toList()) {
            String[] fields = line.split(":\\s*", 3);
            if (fields.length == 3) {
                String name = fields[1].split("@", 2)[0];
                if (name.startsWith(settings.interfacePrefix())) {
                    leftovers.add(0, "link delete dev " + name);
                }
            }
        }
        return leftovers;
    }

    @Override
    public TaskNetwork prepare(String key, EgressPlan plan) {
        requireNonNull(key, "key is null");
        requireNonNull(plan, "plan is null");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a task network key is 1 to 41 lower-case letters, digits and hyphens");
        }
        if (!started) {
            throw new TaskNetworkException("task networks are not started (start() installs the host wall first)");
        }
        long began = System.nanoTime();
        String name = settings.namespacePrefix() + key;
        Path path = NETNS_DIRECTORY.resolve(name);
        String taskRuleset = NftRuleset.task(plan);
        CommandResult created = run("create the network namespace " + name, "ip", "netns", "add", name);
        if (!created.succeeded()) {
            throw new TaskNetworkException("cannot create the network namespace " + name + ": " + created.stderrExcerpt(QUOTED_STDERR));
        }
        Optional<Link> link = Optional.empty();
        boolean wallEntry = false;
        try {
            // The ruleset goes in while the namespace has no link at all: there is never a moment with a way out and no rules.
            nftables.apply(Optional.of(path), taskRuleset);
            if (plan.isEmpty()) {
                check("bring loopback up in " + name, run("bring loopback up in " + name, "ip", "-n", name, "link", "set", "dev", "lo", "up"));
            } else {
                link = Optional.of(settings.link(slots.allocate()));
                Link made = link.get();
                wallEntry = true;
                nftables.apply(Optional.empty(), NftRuleset.hostWallAddTask(wall, made.hostInterface(), made.taskIpv4(), made.taskIpv6(), plan));
                check("create the link of " + name, batch(Optional.empty(), false, made.hostSide(name)));
                check("configure the link inside " + name, batch(Optional.of(name), false, made.taskSide()));
            }
        } catch (RuntimeException e) {
            undo(name, link, wallEntry);
            if (e instanceof TaskNetworkException failure) {
                throw failure;
            }
            throw new TaskNetworkException("cannot prepare the task network " + name + ": " + e.getMessage(), e);
        }
        TaskNetwork network = new TaskNetwork(name, path, link);
        active.put(name, network);
        LOG.log(DEBUG, () -> "prepared " + name + network.link().map(made -> " (" + made.hostInterface() + ")").orElse(" (no link)") + " in "
                + TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - began) + " us");
        return network;
    }

    @Override
    public EgressCounters release(TaskNetwork network) {
        requireNonNull(network, "network is null");
        EgressCounters counters = active.containsKey(network.name()) ? counters(network).orElse(EgressCounters.ZERO) : EgressCounters.ZERO;
        discard(network);
        return counters;
    }

    @Override
    public void discard(TaskNetwork network) {
        requireNonNull(network, "network is null");
        if (active.remove(network.name()) == null) {
            LOG.log(DEBUG, () -> network.name() + " is already released");
            return;
        }
        long began = System.nanoTime();
        network.link().ifPresent(link -> {
            try {
                nftables.apply(Optional.empty(), NftRuleset.hostWallRemoveTask(wall, link.hostInterface()));
            } catch (NftablesException e) {
                LOG.log(WARNING, "the host wall entry of " + link.hostInterface() + " could not be removed: " + e.getMessage());
            }
        });
        removeLinkAndNamespace(network.name(), network.link());
        LOG.log(DEBUG, () -> "released " + network.name() + " in " + TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - began) + " us");
    }

    @Override
    public Optional<EgressCounters> counters(TaskNetwork network) {
        requireNonNull(network, "network is null");
        try {
            return Optional.of(nftables.counters(network.path()));
        } catch (NftablesException e) {
            LOG.log(WARNING, "the counters of " + network.name() + " could not be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        for (TaskNetwork network : List.copyOf(active.values())) {
            release(network);
        }
        try {
            List<String> leftovers = leftovers();
            if (!leftovers.isEmpty()) {
                batch(Optional.empty(), true, leftovers);
            }
            // Deleting the table takes its map, chains and counters with it; nothing of this appliance stays in the host's ruleset.
            nftables.apply(Optional.empty(), "delete table inet " + wall.table() + "\n");
        } catch (RuntimeException e) {
            LOG.log(WARNING, "the host wall table inet " + wall.table() + " or a task namespace could not be removed at shutdown: "
                    + e.getMessage() + "; the next start replaces them");
        }
        started = false;
    }

    /** Slots in use (for tests and metrics). */
    int slotsInUse() {
        return slots.inUse();
    }

    private void undo(String name, Optional<Link> link, boolean wallEntry) {
        if (wallEntry) {
            link.ifPresent(made -> {
                try {
                    nftables.apply(Optional.empty(), NftRuleset.hostWallRemoveTask(wall, made.hostInterface()));
                } catch (RuntimeException e) {
                    LOG.log(WARNING, "undo: the host wall entry of " + made.hostInterface() + " could not be removed: " + e.getMessage());
                }
            });
        }
        try {
            removeLinkAndNamespace(name, link);
        } catch (RuntimeException e) {
            LOG.log(WARNING, "undo: " + name + " could not be removed: " + e.getMessage());
        }
    }

    /** Deletes the host end of the link (which deletes its peer at once) and the namespace; frees the slot once the link is gone. */
    private void removeLinkAndNamespace(String name, Optional<Link> link) {
        List<String> lines = new ArrayList<>();
        link.ifPresent(made -> lines.add("link delete dev " + made.hostInterface()));
        lines.add("netns delete " + name);
        CommandResult result;
        try {
            result = batch(Optional.empty(), true, lines);
        } catch (HostCommandException e) {
            result = new CommandResult(-1, "", e.getMessage());
        }
        if (!result.succeeded()) {
            LOG.log(WARNING, "removing " + name + " reported: " + result.stderrExcerpt(QUOTED_STDERR));
        }
        boolean removed = result.succeeded();
        link.ifPresent(made -> {
            if (removed || linkAbsent(made.hostInterface())) {
                slots.free(made.slot());
                return;
            }
            // Reusing the slot would collide with the link still there; keep it out of use until the next start().
            LOG.log(ERROR, "the link " + made.hostInterface() + " could not be removed; its slot stays out of use until restart");
        });
    }

    private boolean linkAbsent(String hostInterface) {
        try {
            return !run("check the link " + hostInterface, "ip", "-o", "link", "show", "dev", hostInterface).succeeded();
        } catch (HostCommandException e) {
            return false;
        }
    }

    /** {@code ip [-n namespace] [-force] -batch -} with one command per line: one process for many changes. */
    private CommandResult batch(Optional<String> namespace, boolean force, List<String> lines) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        namespace.ifPresent(name -> argv.addAll(List.of("-n", name)));
        if (force) {
            argv.add("-force");
        }
        argv.addAll(List.of("-batch", "-"));
        return commands.run(new Command(argv, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), TIMEOUT));
    }

    private CommandResult run(String purpose, String... argv) {
        try {
            return commands.run(Command.of(TIMEOUT, argv));
        } catch (HostCommandException e) {
            throw new TaskNetworkException("cannot " + purpose + ": " + e.getMessage(), e);
        }
    }

    private static void check(String purpose, CommandResult result) {
        if (!result.succeeded()) {
            throw new TaskNetworkException("cannot " + purpose + " (exit " + result.exitCode() + "): " + result.stderrExcerpt(QUOTED_STDERR));
        }
    }
}
