package ca.heroa.residency.network;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A task's network namespace, mounted at {@code path} (give it to Podman as {@code --network ns:<path>}), with its
 * ruleset installed, and its link to the host when the plan allows anything (none for an empty plan: loopback only).
 */
public record TaskNetwork(String name, Path path, Optional<Link> link) {
    public TaskNetwork {
        requireNonNull(name, "name is null");
        requireNonNull(path, "path is null");
        requireNonNull(link, "link is null");
    }
}
