package ca.heroa.residency.plan;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A destination, the ports and the protocol a template asks for or a site allows. */
public record Allowance(Destination destination, List<PortRange> ports, Protocol protocol) {
    public static final int MAX_PORT_RANGES = 64;

    public Allowance {
        requireNonNull(destination, "destination is null");
        ports = List.copyOf(ports);
        requireNonNull(protocol, "protocol is null");
        if (ports.isEmpty() || ports.size() > MAX_PORT_RANGES) {
            throw new IllegalArgumentException("an allowance names 1 to " + MAX_PORT_RANGES + " ports or port ranges");
        }
    }

    /** True when every port of {@code range} is one of this allowance's ports. */
    public boolean coversPorts(PortRange range) {
        for (int port = range.first(); port <= range.last(); port++) {
            int candidate = port;
            if (ports.stream().noneMatch(mine -> mine.contains(candidate))) {
                return false;
            }
        }
        return true;
    }
}
