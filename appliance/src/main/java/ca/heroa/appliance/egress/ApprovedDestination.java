package ca.heroa.appliance.egress;

import java.net.InetAddress;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A destination of the appliance's own (a database server, say) that passed the residency check, with the addresses it
 * resolved to then. Only {@link OutboundGate} makes one (an architecture test holds it to that), so code that needs an
 * {@code ApprovedDestination} cannot connect anywhere the gate did not see.
 */
public record ApprovedDestination(String purpose, String host, int port, List<InetAddress> addresses) {
    public ApprovedDestination {
        requireNonNull(purpose, "purpose is null");
        requireNonNull(host, "host is null");
        addresses = List.copyOf(addresses);
        if (port < 1 || port > 65_535 || addresses.isEmpty()) {
            throw new IllegalArgumentException("an approved destination has a port and at least one address");
        }
    }
}
