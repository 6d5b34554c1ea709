package ca.heroa.residency.plan;

import java.net.InetAddress;
import java.util.List;

import static java.util.Objects.requireNonNull;

/** A host name and the addresses the appliance resolved for it once, written into the task's {@code /etc/hosts}. */
public record PinnedHost(String name, List<InetAddress> addresses) {
    public PinnedHost {
        requireNonNull(name, "name is null");
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a pinned host has at least one address");
        }
    }
}
