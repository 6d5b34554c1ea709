package ca.heroa.appliance.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The egress tests' stand-in for the outside world: a network namespace linked to the host by a veth pair, holding
 * "Canadian" hosts (198.51.100.10, .20, 2001:db8:ca::10) and "foreign" ones (203.0.113.10, .20, 2001:db8:99::10), as the
 * lab dataset labels them, with the probe serving TCP and recording UDP on a few ports. Packets go only there.
 * Everything it creates is removed by {@link #close()}.
 */
public final class NetworkLab implements AutoCloseable {
    public static final String CANADIAN_V4 = "198.51.100.10";
    public static final String CANADIAN_V4_OTHER = "198.51.100.20";
    public static final String CANADIAN_V6 = "2001:db8:ca::10";
    public static final String FOREIGN_V4 = "203.0.113.10";
    public static final String FOREIGN_V4_OTHER = "203.0.113.20";
    public static final String FOREIGN_V6 = "2001:db8:99::10";
    public static final List<Integer> PORTS = List.of(53, 443, 444, 5353, 5354);
    private static final List<String> ADDRESSES = List.of(CANADIAN_V4 + "/32", CANADIAN_V4_OTHER + "/32", FOREIGN_V4 + "/32", FOREIGN_V4_OTHER + "/32",
            CANADIAN_V6 + "/128", FOREIGN_V6 + "/128");

    private final String namespace;
    private final String hostLink;
    private final Process server;
    private final List<String> received = new CopyOnWriteArrayList<>();

    private NetworkLab(String namespace, String hostLink, Process server) {
        this.namespace = namespace;
        this.hostLink = hostLink;
        this.server = server;
    }

    /** Builds the lab; {@code octet} picks its link subnet (10.199.octet.0/30, fd99:0:0:octet::/64) so parallel labs differ. */
    public static NetworkLab start(int octet) {
        Prerequisites.requireCommand("ip", "iproute2");
        Prerequisites.requireCommand("nft", "nftables");
        String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
        String namespace = "heroa-lab-" + suffix;
        String hostLink = "hlab" + suffix;
        String hostV4 = "10.199." + octet + ".1";
        String labV4 = "10.199." + octet + ".2";
        String hostV6 = "fd99:0:0:" + Integer.toHexString(octet) + "::1";
        String labV6 = "fd99:0:0:" + Integer.toHexString(octet) + "::2";
        Path probe = probeBinary();
        try {
            run("ip", "netns", "add", namespace);
            run("ip", "link", "add", hostLink, "type", "veth", "peer", "name", "eth0", "netns", namespace);
            run("ip", "addr", "add", hostV4 + "/30", "dev", hostLink);
            run("ip", "addr", "add", hostV6 + "/64", "dev", hostLink, "nodad");
            run("ip", "link", "set", hostLink, "up");
            run("ip", "-n", namespace, "link", "set", "lo", "up");
            run("ip", "-n", namespace, "addr", "add", labV4 + "/30", "dev", "eth0");
            run("ip", "-n", namespace, "addr", "add", labV6 + "/64", "dev", "eth0", "nodad");
            for (String address : ADDRESSES) {
                run("ip", "-n", namespace, "addr", "add", address, "dev", "eth0", "nodad");
            }
            run("ip", "-n", namespace, "link", "set", "eth0", "up");
            run("ip", "-n", namespace, "route", "add", "default", "via", hostV4);
            run("ip", "-n", namespace, "-6", "route", "add", "default", "via", hostV6);
            for (String address : ADDRESSES) {
                run("ip", address.contains(":") ? "-6" : "-4", "route", "add", address, "via", address.contains(":") ? labV6 : labV4);
            }
            ProcessBuilder builder = new ProcessBuilder(List.of("ip", "netns", "exec", namespace, probe.toString(), "serve",
                    "53", "443", "444", "5353", "5354")).redirectErrorStream(true);
            NetworkLab lab = new NetworkLab(namespace, hostLink, builder.start());
            lab.awaitServing();
            return lab;
        } catch (IOException | RuntimeException e) {
            cleanUp(namespace, hostLink);
            throw new IllegalStateException("the network lab could not be built: " + e.getMessage(), e);
        }
    }

    private void awaitServing() throws IOException {
        BufferedReader reader = server.inputReader(StandardCharsets.UTF_8);
        String first = reader.readLine();
        if (!"serving".equals(first)) {
            throw new IOException("the lab server did not start: " + first);
        }
        Thread.ofVirtual().name("heroa-lab-reader").start(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    received.add(line);
                }
            } catch (IOException ended) {
                // The server was stopped.
            }
        });
    }

    /** Lines the lab's server printed for UDP datagrams it received: "udp PORT TEXT". */
    public List<String> received() {
        return List.copyOf(received);
    }

    /** Waits up to {@code timeout} for a received line containing {@code text}. */
    public boolean receivedWithin(String text, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (received.stream().anyMatch(line -> line.contains(text))) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public void close() {
        server.destroyForcibly();
        try {
            server.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        cleanUp(namespace, hostLink);
    }

    private static void cleanUp(String namespace, String hostLink) {
        // Deleting the namespace deletes its end of the veth pair, and with it the host's end and the routes through it.
        quietly("ip", "netns", "delete", namespace);
        quietly("ip", "link", "delete", hostLink);
    }

    /** The probe, statically linked for the host (the lab's server), built once per JVM. */
    private static synchronized Path probeBinary() {
        Path binary = Path.of("target", "heroa-probe-host").toAbsolutePath();
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Prerequisites.requireCommand("gcc", "gcc libc6-dev");
        run("gcc", "-static", "-O2", "-o", binary.toString(), Path.of("src/test/resources/probe/heroa-probe.c").toAbsolutePath().toString());
        return binary;
    }

    public static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                fail(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code command}; its output if it succeeded. */
    public static Optional<String> attempt(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 ? Optional.of(output) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void quietly(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            // Best effort: nothing to remove.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
