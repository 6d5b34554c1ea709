package ca.heroa.appliance.podman;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A container as Podman inspects it.
 *
 * @param id                     its ID
 * @param state                  Podman's state: {@code created}, {@code running}, {@code exited}, {@code stopped}, ...
 * @param exitCode               its exit code once it ran and stopped
 * @param oomKilled              whether the kernel's out-of-memory killer ended it
 * @param hostUidOfContainerRoot the host UID that user 0 inside maps to (its user namespace's base); files it writes
 *                               to a bind mount belong to this UID plus the UID inside. A long: the subordinate range
 *                               for user namespaces starts at 2147483647, and UIDs are unsigned 32-bit
 * @param hostGidOfContainerRoot the host GID that group 0 inside maps to
 * @param labels                 its labels
 */
public record ContainerInfo(ContainerId id, String state, Optional<Integer> exitCode, boolean oomKilled, long hostUidOfContainerRoot,
                            long hostGidOfContainerRoot, Map<String, String> labels) {
    public ContainerInfo {
        requireNonNull(id, "id is null");
        requireNonNull(state, "state is null");
        requireNonNull(exitCode, "exitCode is null");
        if (hostUidOfContainerRoot < 0 || hostUidOfContainerRoot > 0xffffffffL || hostGidOfContainerRoot < 0 || hostGidOfContainerRoot > 0xffffffffL) {
            throw new IllegalArgumentException("a host UID or GID is an unsigned 32-bit number");
        }
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    }
}
