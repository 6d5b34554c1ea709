package ca.heroa.residency.network;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.process.Command;
import ca.heroa.residency.process.CommandResult;
import ca.heroa.residency.process.HostCommandException;
import ca.heroa.residency.process.ProcessHostCommands;
import ca.heroa.residency.process.Program;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A test lab in network namespaces, all of it made and removed by the test: a "lab" namespace linked to the host by a
 * veth, holding one Canadian test host ({@code 198.51.100.r}, {@code 2001:db8:ca:g::10}) and one non-Canadian
 * ({@code 203.0.113.r}, {@code 2001:db8:99:g::10}), with TCP listeners on 443 and 444 and kernel counters of what
 * arrives (UDP 5353, UDP 53); a TCP listener in the host's own namespace; and probes run from inside any namespace.
 * Addresses and names are random per run so parallel runs do not collide. Packets only ever go to these namespaces.
 */
final class LiveLab implements AutoCloseable {
    static final Program BUSYBOX = new Program("busybox", "busybox-static");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern PACKETS = Pattern.compile("packets (\\d+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    final ProcessHostCommands commands;
    final String applianceId;
    final NetworkSettings settings;
    final String caIpv4;
    final String nonCaIpv4;
    final String caIpv6;
    final String nonCaIpv6;
    /** The host's own address on the lab link: an address of the host that is not a task gateway. */
    final String hostLabIpv4;
    final String labName;
    final String hostLabInterface;
    private final String labIpv4;
    private final String hostLabIpv6;
    private final String labIpv6;
    private final List<Process> listeners = new ArrayList<>();
    private final List<String> hostRoutes = new ArrayList<>();
    private ServerSocket hostListener;

    private LiveLab(ProcessHostCommands commands) {
        this.commands = commands;
        String hex = HexFormat.of().formatHex(bytes(8));
        this.applianceId = hex.substring(0, 12);
        int octet = 1 + RANDOM.nextInt(254);
        int group = RANDOM.nextInt(0x10000);
        int link = RANDOM.nextInt(0x4000);
        this.settings = new NetworkSettings(applianceId,
                Cidr.parse("10." + (200 + RANDOM.nextInt(40)) + "." + RANDOM.nextInt(256) + ".0/24"),
                Cidr.parse(String.format(Locale.ROOT, "fd68:%x:%x::/48", RANDOM.nextInt(0x10000), RANDOM.nextInt(0x10000))));
        this.caIpv4 = "198.51.100." + octet;
        this.nonCaIpv4 = "203.0.113." + octet;
        this.caIpv6 = String.format(Locale.ROOT, "2001:db8:ca:%x::10", group);
        this.nonCaIpv6 = String.format(Locale.ROOT, "2001:db8:99:%x::10", group);
        String linkBase = "10.98." + (link >> 6) + ".";
        this.hostLabIpv4 = linkBase + ((link & 0x3f) * 4 + 1);
        this.labIpv4 = linkBase + ((link & 0x3f) * 4 + 2);
        this.hostLabIpv6 = String.format(Locale.ROOT, "fd98:%x::1", link);
        this.labIpv6 = String.format(Locale.ROOT, "fd98:%x::2", link);
        this.labName = "heroa-lab-" + hex.substring(0, 8);
        // "l" is not a hexadecimal digit: never inside any appliance's task interface prefix.
        this.hostLabInterface = "lab" + hex.substring(8, 16);
    }

    /** Fails (CI) or skips (elsewhere) with what is missing; then builds the lab. */
    static LiveLab create() {
        require(rootPrivileges(), "live network tests need root (CAP_NET_ADMIN, CAP_SYS_ADMIN): run them as root");
        ProcessHostCommands commands;
        try {
            commands = ProcessHostCommands.create(List.of(Program.IP, Program.NFT, Program.NSENTER, BUSYBOX));
        } catch (HostCommandException missing) {
            require(false, "live network tests need ip, nft, nsenter and busybox: " + missing.getMessage());
            throw missing;
        }
        LiveLab lab = new LiveLab(commands);
        try {
            lab.build();
        } catch (RuntimeException | IOException | Error e) {
            lab.close();
            throw new IllegalStateException("building the lab failed: " + e.getMessage(), e);
        }
        return lab;
    }

    private void build() throws IOException {
        ok("ip", "netns", "add", labName);
        batch(Optional.empty(),
                "link add " + hostLabInterface + " type veth peer name lab0 netns " + labName,
                "addr add " + hostLabIpv4 + "/30 dev " + hostLabInterface,
                "addr add " + hostLabIpv6 + "/64 dev " + hostLabInterface + " nodad",
                "link set dev " + hostLabInterface + " up");
        batch(Optional.of(labName),
                "link set dev lo up",
                "addr add " + labIpv4 + "/30 dev lab0",
                "addr add " + labIpv6 + "/64 dev lab0 nodad",
                "link set dev lab0 up",
                "addr add " + caIpv4 + "/32 dev lo",
                "addr add " + nonCaIpv4 + "/32 dev lo",
                "addr add " + caIpv6 + "/128 dev lo",
                "addr add " + nonCaIpv6 + "/128 dev lo",
                "route add default via " + hostLabIpv4,
                "route add default via " + hostLabIpv6);
        for (String host : List.of(caIpv4 + "/32 via " + labIpv4, nonCaIpv4 + "/32 via " + labIpv4,
                caIpv6 + "/128 via " + labIpv6, nonCaIpv6 + "/128 via " + labIpv6)) {
            ok("ip", "route", "add", host.split(" ")[0], "via", host.split(" ")[2], "dev", hostLabInterface);
            hostRoutes.add(host.split(" ")[0]);
        }
        CommandResult counters = commands.run(Command.withInput(TIMEOUT, """
                table inet heroa_lab {
                \tcounter udp5353 {
                \t}
                \tcounter udp53 {
                \t}
                \tchain input {
                \t\ttype filter hook input priority filter; policy accept;
                \t\tudp dport 5353 counter name "udp5353"
                \t\tudp dport 53 counter name "udp53"
                \t}
                }
                """, "nsenter", "--net=" + path(labName), "--", "nft", "-f", "-"));
        assertTrue(counters.succeeded(), counters.stderr());
        for (int port : new int[] {443, 444}) {
            listen(labName, port, "lab-" + port);
        }
        hostListener = new ServerSocket(0);
        Thread.ofVirtual().start(() -> {
            while (!hostListener.isClosed()) {
                try (Socket client = hostListener.accept(); OutputStream out = client.getOutputStream()) {
                    out.write("host\n".getBytes(StandardCharsets.UTF_8));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        // The listeners answer from the host (control path without any Heroa rule) before any test relies on them.
        awaitReply(Optional.empty(), caIpv4, 443, "lab-443");
        awaitReply(Optional.empty(), caIpv4, 444, "lab-444");
        awaitReply(Optional.empty(), caIpv6, 443, "lab-443");
        awaitReply(Optional.of(path(labName)), hostLabIpv4, hostPort(), "host");
    }

    int hostPort() {
        return hostListener.getLocalPort();
    }

    /** A TCP listener answering {@code reply} to each connection, in namespace {@code namespace}; stopped by close(). */
    void listen(String namespace, int port, String reply) throws IOException {
        Process listener = new ProcessBuilder(commands.path(Program.NSENTER).toString(), "--net=" + path(namespace), "--",
                commands.path(BUSYBOX).toString(), "nc", "-ll", "-p", Integer.toString(port),
                "-e", "/bin/echo", reply)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        listeners.add(listener);
    }

    /** The first line a TCP connection from {@code netns} (empty: the host) to {@code address:port} receives, if it connects. */
    Optional<String> tcp(Optional<Path> netns, String address, int port) {
        CommandResult result = commands.run(new Command(in(netns, "busybox", "nc", "-w", "1", address, Integer.toString(port)), new byte[0], TIMEOUT));
        String reply = result.stdout().strip();
        return result.succeeded() && !reply.isEmpty() ? Optional.of(reply) : Optional.empty();
    }

    void awaitReply(Optional<Path> netns, String address, int port, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (tcp(netns, address, port).equals(Optional.of(expected))) {
                return;
            }
            sleep(50);
        }
        fail("the lab does not answer on " + address + " port " + port + (netns.isPresent() ? " from " + netns.get() : " from the host"));
    }

    /** One DNS query (UDP) from {@code netns} (empty: the host) to {@code address:port}; the answer does not matter. */
    void udp(Optional<Path> netns, String address, int port) {
        String server = address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
        commands.run(new Command(in(netns, "busybox", "timeout", "2", "busybox", "nslookup", "heroa.test", server), new byte[0], TIMEOUT));
    }

    /** True when one ICMP echo from {@code netns} (empty: the host) to {@code address} is answered within a second. */
    boolean ping(Optional<Path> netns, String address) {
        return commands.run(new Command(in(netns, "busybox", "ping", "-c", "1", "-W", "1", address), new byte[0], TIMEOUT)).succeeded();
    }

    /** Packets the lab has received on UDP port 5353 or 53 ({@code udp5353}, {@code udp53}). */
    long labCounter(String name) {
        CommandResult result = ok("nsenter", "--net=" + path(labName), "--", "nft", "list", "counter", "inet", "heroa_lab", name);
        Matcher packets = PACKETS.matcher(result.stdout());
        assertTrue(packets.find(), result.stdout());
        return Long.parseLong(packets.group(1));
    }

    CommandResult run(String... argv) {
        return commands.run(new Command(List.of(argv), new byte[0], TIMEOUT));
    }

    CommandResult ok(String... argv) {
        CommandResult result = run(argv);
        assertTrue(result.succeeded(), String.join(" ", argv) + " failed: " + result.stderr());
        return result;
    }

    static Path path(String namespace) {
        return KernelTaskNetworks.NETNS_DIRECTORY.resolve(namespace);
    }

    /** Removes everything of this run: listeners, lab, task namespaces and interfaces, the host wall table. */
    @Override
    public void close() {
        for (Process listener : listeners) {
            listener.descendants().forEach(ProcessHandle::destroyForcibly);
            listener.destroyForcibly();
        }
        if (hostListener != null) {
            try {
                hostListener.close();
            } catch (IOException ignored) {
                // closing a listening socket does not fail in a way that matters here
            }
        }
        quietly("ip", "link", "delete", "dev", hostLabInterface);
        quietly("ip", "netns", "delete", labName);
        for (String route : hostRoutes) {
            quietly("ip", "route", "delete", route);
        }
        for (String line : run("ip", "-o", "link", "show").stdout().lines().toList()) {
            String[] fields = line.split(":\\s*", 3);
            if (fields.length == 3 && fields[1].startsWith(settings.interfacePrefix())) {
                quietly("ip", "link", "delete", "dev", fields[1].split("@", 2)[0]);
            }
        }
        for (String line : run("ip", "netns", "list").stdout().lines().toList()) {
            String name = line.strip().split("\\s+", 2)[0];
            if (name.startsWith(settings.namespacePrefix())) {
                quietly("ip", "netns", "delete", name);
            }
        }
        quietly("nft", "delete", "table", "inet", settings.hostWall().table());
    }

    private void quietly(String... argv) {
        try {
            run(argv);
        } catch (RuntimeException ignored) {
            // cleanup goes on with the next item
        }
    }

    private void batch(Optional<String> namespace, String... lines) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        namespace.ifPresent(name -> argv.addAll(List.of("-n", name)));
        argv.addAll(List.of("-batch", "-"));
        CommandResult result = commands.run(new Command(argv, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), TIMEOUT));
        assertTrue(result.succeeded(), "ip -batch failed: " + result.stderr());
    }

    private static List<String> in(Optional<Path> netns, String... argv) {
        List<String> command = new ArrayList<>();
        netns.ifPresent(path -> command.addAll(List.of("nsenter", "--net=" + path, "--")));
        command.addAll(List.of(argv));
        return command;
    }

    private static boolean rootPrivileges() {
        try {
            new ProcHostKernel().requirePrivileges();
            return Files.isDirectory(Path.of("/proc/self/ns"));
        } catch (TaskNetworkException e) {
            return false;
        }
    }

    /** In CI a missing prerequisite fails the test; elsewhere it skips it. */
    static void require(boolean condition, String message) {
        if (condition) {
            return;
        }
        if (Boolean.parseBoolean(System.getenv("CI"))) {
            fail(message + " (CI=true: live tests are never skipped)");
        }
        Assumptions.assumeTrue(false, message);
    }

    private static byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
