package ca.heroa.appliance.persistence;

import io.helidon.config.Config;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The {@code heroa.database} config node.
 *
 * @param mode          {@code embedded} (default: a PostgreSQL started by the JVM under the data directory) or
 *                      {@code external} (production: a server the operator runs)
 * @param url           JDBC URL; required when external
 * @param username      database user; required when external
 * @param passwordFile  file holding the password; optional
 * @param poolSize      connection pool size (default 16)
 */
public record DatabaseSettings(Mode mode, Optional<String> url, Optional<String> username, Optional<Path> passwordFile, int poolSize) {
    public enum Mode { EMBEDDED, EXTERNAL }

    public DatabaseSettings {
        requireNonNull(mode, "mode is null");
        requireNonNull(url, "url is null");
        requireNonNull(username, "username is null");
        requireNonNull(passwordFile, "passwordFile is null");
        if (mode == Mode.EXTERNAL && (url.isEmpty() || username.isEmpty())) {
            throw new IllegalArgumentException("heroa.database.url and heroa.database.username are required when heroa.database.mode is external");
        }
        if (poolSize < 2 || poolSize > 200) {
            throw new IllegalArgumentException("heroa.database.pool-size must be between 2 and 200");
        }
    }

    public static DatabaseSettings from(Config config) {
        Mode mode = config.get("mode").asString().map(value -> Mode.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT)))
                .orElse(Mode.EMBEDDED);
        return new DatabaseSettings(
                mode,
                config.get("url").asString().asOptional(),
                config.get("username").asString().asOptional(),
                config.get("password-file").asString().asOptional().map(Path::of),
                config.get("pool-size").asInt().orElse(16));
    }
}
