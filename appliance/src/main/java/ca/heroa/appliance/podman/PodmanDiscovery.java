package ca.heroa.appliance.podman;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Finds the Podman service: the configured socket ({@code heroa.podman.socket}) first, then the rootful default
 * {@code /run/podman/podman.sock}. The first one that answers wins; when none does, the exception names every
 * attempt, why it failed, and what to do.
 */
public final class PodmanDiscovery {
    public static final Path DEFAULT_SOCKET = Path.of("/run/podman/podman.sock");

    private PodmanDiscovery() {
    }

    /** A client connected to the first socket that answers; the caller closes it. */
    public static PodmanClient connect(PodmanSettings settings) {
        requireNonNull(settings, "settings is null");
        Set<Path> candidates = new LinkedHashSet<>();
        settings.socket().ifPresent(candidates::add);
        candidates.add(DEFAULT_SOCKET);
        return connect(List.copyOf(candidates), settings);
    }

    static PodmanClient connect(List<Path> candidates, PodmanSettings settings) {
        List<String> attempts = new ArrayList<>();
        for (Path socket : candidates) {
            if (!Files.exists(socket)) {
                attempts.add(socket + ": no such socket");
                continue;
            }
            PodmanClient client = PodmanClient.connect(socket, settings);
            try {
                client.version();
                return client;
            } catch (RuntimeException e) {
                client.close();
                attempts.add(socket + ": " + e.getMessage());
            }
        }
        throw new PodmanUnavailableException("no Podman service answered. Tried:\n  " + String.join("\n  ", attempts)
                + "\nStart one, as root: CONTAINERS_CONF=build/podman/containers.conf podman system service --time 0 unix://"
                + DEFAULT_SOCKET + " (./heroa up does this), or set heroa.podman.socket to the socket of a running one.");
    }
}
