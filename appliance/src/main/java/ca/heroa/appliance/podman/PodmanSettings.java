package ca.heroa.appliance.podman;

import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The {@code heroa.podman} configuration node.
 *
 * @param socket         optional; the Podman service's Unix socket, tried before {@code /run/podman/podman.sock}
 * @param apiVersion     defaulted to {@code v4.0.0}; the libpod API version in request paths
 * @param requestTimeout defaulted to {@code PT30S}; longest wait for an answer to any call (except waiting for a
 *                       container to exit, which has its own timeout, and loading an image, which may take longer)
 */
public record PodmanSettings(Optional<Path> socket, String apiVersion, Duration requestTimeout, int usernsSize) {
    private static final Pattern API_VERSION = Pattern.compile("v[0-9]+\\.[0-9]+\\.[0-9]+");
    /**
     * UIDs (and GIDs) in each container's user namespace. Always explicit: without a size, Podman 4.3 computes one from
     * the image under a lock it already holds, and deadlocks when two such containers are created at once (podman
     * issue 16062, fixed in 4.4; Debian 12 ships 4.3). 65536 covers every UID an image can use in practice.
     */
    public static final int DEFAULT_USERNS_SIZE = 65_536;

    public PodmanSettings {
        requireNonNull(socket, "socket is null");
        requireNonNull(apiVersion, "apiVersion is null");
        if (usernsSize < 1024 || usernsSize > 1 << 24) {
            throw new IllegalArgumentException("heroa.podman.userns-size must be 1024 to 16777216");
        }
        if (!API_VERSION.matcher(apiVersion).matches()) {
            throw new IllegalArgumentException("heroa.podman.api-version is v<major>.<minor>.<patch>, e.g. v4.0.0");
        }
        requireNonNull(requestTimeout, "requestTimeout is null");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("heroa.podman.request-timeout is positive");
        }
    }

    public static PodmanSettings defaults() {
        return new PodmanSettings(Optional.empty(), "v4.0.0", Duration.ofSeconds(30), DEFAULT_USERNS_SIZE);
    }

    public static PodmanSettings from(Config podman) {
        return new PodmanSettings(podman.get("socket").asString().asOptional().map(Path::of),
                podman.get("api-version").asString().orElse("v4.0.0"),
                podman.get("request-timeout").as(Duration.class).orElse(Duration.ofSeconds(30)),
                podman.get("userns-size").asInt().orElse(DEFAULT_USERNS_SIZE));
    }

    public PodmanSettings withSocket(Path path) {
        return new PodmanSettings(Optional.of(path), apiVersion, requestTimeout, usernsSize);
    }
}
