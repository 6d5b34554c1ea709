package ca.heroa.appliance.podman;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** A container as Podman lists it. */
public record ContainerSummary(ContainerId id, String state, Map<String, String> labels) {
    public ContainerSummary {
        requireNonNull(id, "id is null");
        requireNonNull(state, "state is null");
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
    }
}
