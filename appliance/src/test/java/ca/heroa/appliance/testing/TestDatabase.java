package ca.heroa.appliance.testing;

import ca.heroa.appliance.persistence.Database;
import ca.heroa.appliance.persistence.DatabaseSettings;
import ca.heroa.appliance.persistence.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * A fresh, migrated PostgreSQL database per test, on one embedded server per test JVM, for tests that tamper
 * with storage and must not disturb the shared appliance.
 */
public final class TestDatabase {
    private static EmbeddedPostgres server;
    private static Path directory;

    private TestDatabase() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            Prerequisites.requireUnshareWhenRoot();
            try {
                directory = Files.createTempDirectory("heroa-testdb-");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server = EmbeddedPostgres.start(directory.resolve("postgres"), directory.resolve("binaries"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                TestFiles.deleteRecursively(directory);
            }));
        }
        return server;
    }

    /** A new empty database, migrated by the appliance's Flyway migrations. */
    public static Database fresh() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection connection = DriverManager.getConnection(server().jdbcUrl(), "postgres", "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        String url = "jdbc:postgresql://localhost:" + server().port() + "/" + name;
        return Database.open(new DatabaseSettings(DatabaseSettings.Mode.EXTERNAL, Optional.of(url), Optional.of("postgres"),
                Optional.empty(), 20), Path.of("unused"), false, TestResidency.gate());
    }
}
