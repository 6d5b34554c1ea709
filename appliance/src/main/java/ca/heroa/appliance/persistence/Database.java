package ca.heroa.appliance.persistence;

import ca.heroa.appliance.egress.ApprovedDestination;
import ca.heroa.appliance.egress.ApprovedSocketFactory;
import ca.heroa.appliance.egress.OutboundGate;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The connection pool, migrated by Flyway on start, and the embedded server behind it when there is one.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource pool;
    private final Optional<EmbeddedPostgres> embedded;

    private Database(HikariDataSource pool, Optional<EmbeddedPostgres> embedded) {
        this.pool = pool;
        this.embedded = embedded;
    }

    /**
     * Opens the database described by {@code settings}. In embedded mode, a server already running on the data
     * directory is reused when {@code reuseRunning} (a command-line tool next to a running appliance); otherwise a
     * leftover server is stopped and a new one started. Every host the JDBC URL names passes {@code gate} first.
     */
    public static Database open(DatabaseSettings settings, Path dataDirectory, boolean reuseRunning, OutboundGate gate) {
        requireNonNull(settings, "settings is null");
        requireNonNull(gate, "gate is null");
        Path pgData = dataDirectory.resolve("postgres");
        return switch (settings.mode()) {
            case EXTERNAL -> connect(settings, gate, settings.url().orElseThrow(), settings.username().orElseThrow(),
                    password(settings), Optional.empty());
            case EMBEDDED -> {
                Optional<Integer> running = reuseRunning ? EmbeddedPostgres.runningPort(pgData) : Optional.empty();
                if (running.isPresent()) {
                    yield connect(settings, gate, EmbeddedPostgres.jdbcUrl(running.get()), "postgres", Optional.empty(), Optional.empty());
                }
                EmbeddedPostgres server = EmbeddedPostgres.start(pgData, dataDirectory.resolve("postgres-binaries"));
                try {
                    yield connect(settings, gate, server.jdbcUrl(), "postgres", Optional.empty(), Optional.of(server));
                } catch (RuntimeException e) {
                    server.close();
                    throw e;
                }
            }
        };
    }

    private static Database connect(DatabaseSettings settings, OutboundGate gate, String url, String user, Optional<String> password,
                                    Optional<EmbeddedPostgres> embedded) {
        List<ApprovedDestination> approved = new ArrayList<>();
        for (JdbcUrl.Server server : JdbcUrl.servers(url)) {
            approved.add(gate.approve("database", server.host(), server.port()));
        }
        if (approved.isEmpty()) {
            throw new IllegalArgumentException("heroa.database.url names no server");
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("heroa");
        config.setJdbcUrl(url);
        config.setUsername(user);
        password.ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.poolSize());
        config.setMinimumIdle(Math.min(4, settings.poolSize()));
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "heroa-appliance");
        // The driver resolves the server's name again for each new connection: it may connect only where the gate approved.
        config.addDataSourceProperty("socketFactory", ApprovedSocketFactory.class.getName());
        config.addDataSourceProperty("socketFactoryArg", ApprovedSocketFactory.register(approved));
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new Database(pool, embedded);
    }

    private static Optional<String> password(DatabaseSettings settings) {
        return settings.passwordFile().map(file -> {
            try {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read heroa.database.password-file " + file + ": " + e.getMessage(), e);
            }
        });
    }

    /** Whether a connection can be had and answers within two seconds. */
    public boolean reachable() {
        try (java.sql.Connection connection = pool.getConnection()) {
            return connection.isValid(2);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The JDBC URL of the database (no credentials), for tools and benchmarks. */
    public String jdbcUrl() {
        return pool.getJdbcUrl();
    }

    @Override
    public void close() {
        pool.close();
        embedded.ifPresent(EmbeddedPostgres::close);
    }
}
