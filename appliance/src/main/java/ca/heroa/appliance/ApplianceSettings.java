package ca.heroa.appliance;

import ca.heroa.appliance.image.ImageSettings;
import ca.heroa.appliance.egress.EgressSettings;
import ca.heroa.appliance.podman.PodmanSettings;
import ca.heroa.appliance.state.StateSettings;
import ca.heroa.appliance.task.TaskSettings;
import ca.heroa.appliance.template.TemplateLimits;

import ca.heroa.appliance.custody.HsmSettings;
import ca.heroa.appliance.http.JsonLimits;
import ca.heroa.appliance.persistence.DatabaseSettings;
import ca.heroa.appliance.tls.TlsSettings;
import ca.heroa.appliance.vault.VaultLimits;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Everything under {@code heroa} in the configuration. Each key is documented in application.yaml and in the
 * configuration reference (docs-en-fr).
 */
record ApplianceSettings(
        Path dataDirectory,
        String host,
        int port,
        int adminPort,
        TlsSettings tls,
        DatabaseSettings database,
        JsonLimits limits,
        int authFailureLimit,
        Duration authFailureWindow,
        Path tokenHashKeyFile,
        Duration cacheTimeToLive,
        Duration auditRetention,
        Duration auditPurgeInterval,
        int auditBatchMax,
        int auditQueueCapacity,
        long checkpointEveryEntries,
        Duration checkpointInterval,
        HsmSettings hsm,
        VaultLimits vault,
        PodmanSettings podman,
        ImageSettings images,
        TemplateLimits templates,
        StateSettings state,
        TaskSettings tasks,
        EgressSettings egress) {

    ApplianceSettings {
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(host, "host is null");
        requireNonNull(tls, "tls is null");
        requireNonNull(database, "database is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(authFailureWindow, "authFailureWindow is null");
        requireNonNull(tokenHashKeyFile, "tokenHashKeyFile is null");
        requireNonNull(cacheTimeToLive, "cacheTimeToLive is null");
        if (cacheTimeToLive.isNegative() || cacheTimeToLive.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("heroa.auth.cache-ttl must be between PT0S and PT1M");
        }
        requireNonNull(auditRetention, "auditRetention is null");
        requireNonNull(auditPurgeInterval, "auditPurgeInterval is null");
        if (port < 0 || port > 65_535 || adminPort < 0 || adminPort > 65_535) {
            throw new IllegalArgumentException("heroa.server.port and heroa.server.admin-port must be 0 to 65535");
        }
        requireNonNull(checkpointInterval, "checkpointInterval is null");
        requireNonNull(hsm, "hsm is null");
        requireNonNull(vault, "vault is null");
        requireNonNull(podman, "podman is null");
        requireNonNull(images, "images is null");
        requireNonNull(templates, "templates is null");
        requireNonNull(state, "state is null");
        requireNonNull(tasks, "tasks is null");
        requireNonNull(egress, "egress is null");
        if (vault.maxValueBytes() > limits.maxBodyBytes() * 4L) {
            throw new IllegalArgumentException("heroa.vault.max-value-bytes cannot exceed what the server accepts: 4 × heroa.limits.max-body-bytes ("
                    + limits.maxBodyBytes() * 4L + ")");
        }
        if (checkpointEveryEntries < 1 || checkpointInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("heroa.audit.checkpoint-every must be positive and heroa.audit.checkpoint-interval at least PT1S");
        }
        if (auditRetention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("heroa.audit.retention must be at least one day");
        }
    }

    static ApplianceSettings from(Config heroa) {
        Path dataDirectory = Path.of(heroa.get("data-dir").asString().orElse("heroa-data")).toAbsolutePath().normalize();
        Config server = heroa.get("server");
        Config auth = heroa.get("auth");
        Config audit = heroa.get("audit");
        return new ApplianceSettings(
                dataDirectory,
                server.get("host").asString().orElse("0.0.0.0"),
                server.get("port").asInt().orElse(8443),
                server.get("admin-port").asInt().orElse(9443),
                TlsSettings.from(server.get("tls")),
                DatabaseSettings.from(heroa.get("database")),
                JsonLimits.from(heroa.get("limits")),
                auth.get("failure-limit").asInt().orElse(10),
                auth.get("failure-window").as(Duration.class).orElse(Duration.ofMinutes(1)),
                auth.get("token-hash-key-file").asString().map(Path::of).orElse(dataDirectory.resolve("keys").resolve("token-hash.key")),
                auth.get("cache-ttl").as(Duration.class).orElse(Duration.ofSeconds(5)),
                audit.get("retention").as(Duration.class).orElse(Duration.ofDays(400)),
                audit.get("purge-interval").as(Duration.class).orElse(Duration.ofHours(1)),
                audit.get("batch-max").asInt().orElse(256),
                audit.get("queue-capacity").asInt().orElse(10_000),
                audit.get("checkpoint-every").asLong().orElse(1000L),
                audit.get("checkpoint-interval").as(Duration.class).orElse(Duration.ofMinutes(5)),
                HsmSettings.from(heroa.get("hsm"), dataDirectory),
                VaultLimits.from(heroa.get("vault")),
                PodmanSettings.from(heroa.get("podman")),
                ImageSettings.from(heroa.get("images")),
                TemplateLimits.from(heroa.get("templates")),
                StateSettings.from(heroa.get("state")),
                TaskSettings.from(heroa.get("tasks"), Path.of("/dev/shm", "heroa-" + applianceId(dataDirectory)),
                        StateSettings.from(heroa.get("state")).maxValueBytes() + 64 * 1024),
                EgressSettings.from(heroa.get("egress"), dataDirectory));
    }

    /**
     * This appliance's name on the host: the label on its containers and the name of its cgroup and task directory, so
     * that its reconciler removes only what it left, even when several appliances share one Podman. Derived from the
     * data directory, so a restart on the same data finds its own leftovers.
     */
    String applianceId() {
        return applianceId(dataDirectory);
    }

    private static String applianceId(Path dataDirectory) {
        byte[] digest = ca.heroa.hsm.Fips.sha256().digest(dataDirectory.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(digest, 0, 6);
    }

    /** The largest request body any route accepts: JSON bodies, secrets, state values and image archives each check their own. */
    long maxPayloadBytes() {
        return Math.max(Math.max(limits.maxBodyBytes() * 4L, state.maxValueBytes()), images.maxArchiveBytes());
    }
}
