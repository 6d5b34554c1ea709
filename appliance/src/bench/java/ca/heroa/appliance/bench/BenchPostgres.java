package ca.heroa.appliance.bench;

import ca.heroa.appliance.persistence.EmbeddedPostgres;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The PostgreSQL every benchmark uses: the appliance's own {@link EmbeddedPostgres} (the same binaries and the same
 * durable settings as a development appliance: fsync and synchronous_commit on), started once, its port written to
 * a file. Stops PostgreSQL on SIGTERM, when its parent is gone, or after {@code --max-seconds}.
 * <p>
 * Usage: {@code BenchPostgres --data-dir DIR --binaries-dir DIR --port-file FILE [--max-seconds N] [--parent-pid PID]}
 */
public final class BenchPostgres {
    private BenchPostgres() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Options options = new Options(args);
        Path dataDirectory = Path.of(options.required("data-dir"));
        Path binaries = Path.of(options.required("binaries-dir"));
        Path portFile = Path.of(options.required("port-file"));
        EmbeddedPostgres postgres = EmbeddedPostgres.start(dataDirectory, binaries);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            postgres.close();
            stopped.countDown();
        }, "bench-postgres-stop"));
        Lifetime.bound(Duration.ofSeconds(options.integer("max-seconds", 1800)), options.optional("parent-pid").map(Long::parseLong));
        Path temporary = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(temporary, Integer.toString(postgres.port()), StandardCharsets.US_ASCII);
        Files.move(temporary, portFile, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("PostgreSQL ready on port " + postgres.port());
        stopped.await();
    }
}
