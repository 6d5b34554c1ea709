package ca.heroa.appliance.api;

import ca.heroa.appliance.persistence.EmbeddedPostgres;
import ca.heroa.appliance.testing.ApplianceProcess;
import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.Prerequisites;
import ca.heroa.appliance.testing.TestFiles;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The appliance is killed with SIGKILL during a burst of concurrent mutations. After a restart, every mutation
 * the client saw succeed has exactly one audit entry, none that the client saw fail has one, the ones in doubt
 * (connection cut) have an entry exactly when they happened, and the chain verifies.
 */
class CrashConsistencyTest {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    enum Seen { SUCCEEDED, FAILED, IN_DOUBT }

    @Test
    void sigkillDuringABurstLosesNothingAndInventsNothing() throws Exception {
        Prerequisites.requireUnshareWhenRoot();
        Path data = Files.createTempDirectory("heroa-crash-");
        Process first = null;
        Process second = null;
        try {
            int port = ApplianceProcess.freePort();
            first = startAppliance(data, port);
            String admin = ApplianceProcess.awaitLine(first, "heroa_at_", START_TIMEOUT).replaceAll(".*(heroa_at_[A-Za-z0-9_-]+).*", "$1");
            ApplianceProcess.drain(first);
            ApiClient api = new ApiClient(port, ApplianceProcess.caCertificate(data));

            Map<String, Seen> outcomes = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger counter = new AtomicInteger();
            ExecutorService writers = Executors.newFixedThreadPool(8);
            for (int writer = 0; writer < 8; writer++) {
                writers.submit(() -> {
                    while (running.get()) {
                        String name = "crash-" + counter.incrementAndGet();
                        outcomes.put(name, Seen.IN_DOUBT);
                        try {
                            int status = api.post("/v1/workspaces", admin, "{\"name\":\"" + name + "\"}").status();
                            outcomes.put(name, status == 201 ? Seen.SUCCEEDED : Seen.FAILED);
                        } catch (UncheckedIOException e) {
                            outcomes.put(name, Seen.IN_DOUBT);
                            return;
                        }
                    }
                });
            }
            Instant until = Instant.now().plusSeconds(3);
            while (Instant.now().isBefore(until) && outcomes.values().stream().filter(seen -> seen == Seen.SUCCEEDED).count() < 50) {
                Thread.sleep(50);
            }
            first.destroyForcibly(); // SIGKILL: no shutdown hook runs
            first.waitFor(30, TimeUnit.SECONDS);
            running.set(false);
            writers.shutdown();
            assertTrue(writers.awaitTermination(60, TimeUnit.SECONDS));
            long succeeded = outcomes.values().stream().filter(seen -> seen == Seen.SUCCEEDED).count();
            assertTrue(succeeded > 0, "the burst must have produced successes before the kill: " + outcomes.size());

            second = startAppliance(data, port);
            ApplianceProcess.awaitLine(second, "Ready", START_TIMEOUT);
            ApplianceProcess.drain(second);
            int databasePort = EmbeddedPostgres.runningPort(data.resolve("postgres")).orElseThrow();
            try (Connection connection = DriverManager.getConnection(EmbeddedPostgres.jdbcUrl(databasePort), "postgres", "")) {
                for (Map.Entry<String, Seen> outcome : outcomes.entrySet()) {
                    boolean exists = count(connection, "SELECT count(*) FROM workspace WHERE name = ?", outcome.getKey()) == 1;
                    long entries = count(connection, "SELECT count(*) FROM audit_log WHERE action = 'workspace.create' "
                            + "AND target = 'workspace:' || (SELECT id FROM workspace WHERE name = ?)", outcome.getKey());
                    long entriesByName = count(connection, "SELECT count(*) FROM audit_log WHERE action = 'workspace.create' "
                            + "AND details LIKE ?", "%\"name\":\"" + outcome.getKey() + "\"%");
                    switch (outcome.getValue()) {
                        case SUCCEEDED -> {
                            assertTrue(exists, outcome.getKey() + " succeeded but does not exist");
                            assertEquals(1, entries, outcome.getKey() + " succeeded: exactly one audit entry");
                        }
                        case FAILED -> {
                            assertFalse(exists, outcome.getKey() + " failed but exists");
                            assertEquals(0, entriesByName, outcome.getKey() + " failed: no audit entry");
                        }
                        case IN_DOUBT -> assertEquals(exists ? 1 : 0, entriesByName,
                                outcome.getKey() + ": an entry exactly when the change happened");
                    }
                }
            }
            ProcessBuilder verifyCommand = ApplianceProcess.builder(data, "audit", "verify");
            Process verify = verifyCommand.start();
            String report = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(verify.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, verify.exitValue(), "audit verify after the crash: " + report);
            assertTrue(report.contains("The audit chain is intact"), report);
        } finally {
            stop(first);
            stop(second);
            Thread.sleep(500);
            TestFiles.deleteRecursively(data);
        }
    }

    private static long count(Connection connection, String sql, String parameter) throws Exception {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }

    /** The listening addresses come from environment variables, so a wrong mapping fails the test (it could not connect). */
    private static Process startAppliance(Path data, int port) throws IOException {
        ProcessBuilder builder = ApplianceProcess.builder(data, "serve");
        builder.environment().put("HEROA_SERVER_HOST", "127.0.0.1");
        builder.environment().put("HEROA_SERVER_PORT", Integer.toString(port));
        builder.environment().put("HEROA_SERVER_ADMIN_dash_PORT", "0");
        return builder.start();
    }

    private static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
