package ca.heroa.appliance.podman;

import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * A host directory or file made visible in a container (always nosuid, nodev, private propagation).
 *
 * @param source      absolute host path
 * @param destination absolute path inside the container
 * @param readOnly    whether the container may only read it
 */
public record BindMount(Path source, String destination, boolean readOnly) {
    public BindMount {
        requireNonNull(source, "source is null");
        if (!source.isAbsolute()) {
            throw new IllegalArgumentException("a bind mount's source is an absolute path");
        }
        ContainerSpec.requireAbsolute(destination, "destination");
    }
}
