package ca.heroa.appliance.testing;

import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.podman.PodmanClient;
import ca.heroa.appliance.podman.PodmanSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * One private Podman service per test JVM ({@code podman system service} on a socket in a temporary directory, with
 * the project's containers.conf), stopped and deleted at exit, and the base image archive built once from
 * busybox-static. Missing tools fail the test with what to install (never a skip, see {@link Prerequisites}).
 */
public final class TestPodman {
    /** Every container and image a test makes carries this label key, with {@link #label()} as value. */
    public static final String LABEL = "heroa.appliance";
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path CONTAINERS_CONF = REPOSITORY.resolve("build/podman/containers.conf");
    private static final String LABEL_VALUE = "test-" + UUID.randomUUID().toString().substring(0, 8);

    private static Path directory;
    private static Process service;
    private static PodmanClient client;
    private static Path baseImageArchive;

    private TestPodman() {
    }

    /** {@code test-<random>}, one per JVM. */
    public static String label() {
        return LABEL_VALUE;
    }

    public static synchronized Path socket() {
        start();
        return directory.resolve("podman.sock");
    }

    /** A client of the private service, shared; do not close it. */
    public static synchronized PodmanClient client() {
        start();
        return client;
    }

    /** The busybox base image as an OCI archive, built once per JVM under target/. */
    public static synchronized Path baseImageArchive() {
        start();
        if (baseImageArchive == null) {
            Path archive = Path.of("target", "heroa-base.oci.tar").toAbsolutePath();
            run(List.of(REPOSITORY.resolve("build/podman/base-image.sh").toString(), archive.toString()), Duration.ofMinutes(2));
            baseImageArchive = archive;
        }
        return baseImageArchive;
    }

    /** Loads the base image archive into the private service's storage. */
    public static ImageDigest loadBaseImage() {
        return client().loadImage(baseImageArchive()).id();
    }

    private static void start() {
        if (service != null) {
            return;
        }
        Prerequisites.requireCommand("podman", "podman runc uidmap busybox-static");
        Prerequisites.requireCommand("runc", "podman runc uidmap busybox-static");
        Prerequisites.requireCommand("newuidmap", "podman runc uidmap busybox-static");
        if (!Files.isExecutable(Path.of("/bin/busybox"))) {
            fail("/bin/busybox is required to build the base image; install it: apt-get install busybox-static" + ciNote());
        }
        requireSubordinateIds(Path.of("/etc/subuid"));
        requireSubordinateIds(Path.of("/etc/subgid"));
        try {
            directory = Files.createTempDirectory("heroa-podman-");
            Path socket = directory.resolve("podman.sock");
            // Its own directory as working directory: conmon writes marker files (e.g. "oom") where it runs.
            ProcessBuilder builder = new ProcessBuilder("podman", "system", "service", "--time", "0", "unix://" + socket)
                    .directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("service.log").toFile());
            builder.environment().put("CONTAINERS_CONF", CONTAINERS_CONF.toString());
            service = builder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(TestPodman::stop));
            client = PodmanClient.connect(socket, PodmanSettings.defaults().withSocket(socket));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    client.version();
                    return;
                } catch (RuntimeException e) {
                    if (!service.isAlive() || System.nanoTime() > deadline) {
                        fail("the test Podman service did not answer on " + socket + ": " + e.getMessage() + "\n" + log());
                    }
                    Thread.sleep(100);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** --userns=auto takes its ranges from the "containers" user in /etc/subuid and /etc/subgid. */
    private static void requireSubordinateIds(Path file) {
        try {
            if (Files.exists(file) && Files.readAllLines(file).stream().anyMatch(line -> line.startsWith("containers:"))) {
                return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        fail(file + " has no \"containers:\" line, which user namespaces (--userns=auto) need; run ./heroa test as root once, or add: "
                + "containers:2147483647:2147483648" + ciNote());
    }

    private static String ciNote() {
        return Boolean.parseBoolean(System.getenv("CI")) ? " (CI=true: prerequisites are never skipped)" : "";
    }

    private static String log() {
        try {
            return Files.readString(directory.resolve("service.log"));
        } catch (IOException e) {
            return "(no service log: " + e.getMessage() + ")";
        }
    }

    private static void run(List<String> command, Duration timeout) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("CONTAINERS_CONF", CONTAINERS_CONF.toString());
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " failed:\n" + new String(output, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized void stop() {
        if (client != null) {
            client.close();
        }
        if (service != null) {
            service.destroy();
            try {
                if (!service.waitFor(10, TimeUnit.SECONDS)) {
                    service.destroyForcibly();
                    service.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        TestFiles.deleteRecursively(directory);
    }
}
