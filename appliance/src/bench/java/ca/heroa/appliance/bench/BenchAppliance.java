package ca.heroa.appliance.bench;

import ca.heroa.appliance.Appliance;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.logging.common.LogConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The appliance as {@code heroa-appliance serve} runs it ({@link Appliance#start} with the configuration built the
 * same way: environment, system properties, the built-in application.yaml), which also writes what the benchmark
 * needs to a file: the port and the one-time tenant-admin token (empty when the database already had one). Stops on SIGTERM, when its parent is gone, or
 * after {@code --max-seconds}.
 * <p>
 * Usage: {@code BenchAppliance --info-file FILE [--max-seconds N] [--parent-pid PID]} with {@code -Dheroa.*} system properties.
 */
public final class BenchAppliance {
    private BenchAppliance() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        LogConfig.configureRuntime();
        Options options = new Options(args);
        Path infoFile = Path.of(options.required("info-file"));
        Config heroa = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.environmentVariables())
                .addSource(ConfigSources.systemProperties())
                .addSource(ConfigSources.classpath("application.yaml"))
                .build()
                .get("heroa");
        Appliance appliance = Appliance.start(heroa);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            appliance.close();
            stopped.countDown();
        }, "bench-appliance-stop"));
        Lifetime.bound(Duration.ofSeconds(options.integer("max-seconds", 1800)), options.optional("parent-pid").map(Long::parseLong));
        String info = "port=" + appliance.port() + "\n"
                + "admin-port=" + appliance.adminPort() + "\n"
                + "admin-token=" + appliance.firstAdminToken().map(token -> token.reveal()).orElse("") + "\n"
                + "jdbc-url=" + appliance.jdbcUrl() + "\n";
        Path temporary = infoFile.resolveSibling(infoFile.getFileName() + ".tmp");
        Files.writeString(temporary, info, StandardCharsets.US_ASCII);
        Files.move(temporary, infoFile, StandardCopyOption.ATOMIC_MOVE);
        stopped.await();
    }
}
