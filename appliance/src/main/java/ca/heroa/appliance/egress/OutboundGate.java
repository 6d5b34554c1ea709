package ca.heroa.appliance.egress;

import ca.heroa.residency.Residency;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.plan.Destination;
import ca.heroa.residency.plan.Destination.HostName;
import ca.heroa.residency.plan.Resolver;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The one place where the appliance's own outbound connections are decided (an architecture test keeps it so): every
 * destination it is configured to reach, a database server for instance, must be on this host (loopback or one of
 * the host's addresses) or resolve only to Canadian address space or an attested endpoint, as tasks' destinations
 * must (special-purpose space only when attested). Anything else is refused before a connection is attempted, and the
 * appliance does not start.
 */
public final class OutboundGate {
    private static final System.Logger LOG = System.getLogger(OutboundGate.class.getName());

    private final Supplier<ResidencyGuard> guard;
    private final Resolver resolver;
    private final List<ApprovedDestination> approved = new CopyOnWriteArrayList<>();

    /** @param guard the residency guard, asked for only when a destination is not on this host (its dataset may still be loading) */
    public OutboundGate(Supplier<ResidencyGuard> guard, Resolver resolver) {
        this.guard = requireNonNull(guard, "guard is null");
        this.resolver = requireNonNull(resolver, "resolver is null");
    }

    /** Checks {@code host} (a name or an address literal) for {@code purpose}; every address it resolves to must pass. */
    public ApprovedDestination approve(String purpose, String host, int port) {
        requireNonNull(purpose, "purpose is null");
        requireNonNull(host, "host is null");
        Destination destination;
        try {
            destination = Destination.parse(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        } catch (IllegalArgumentException e) {
            throw new OutboundRefusedException(purpose + ": '" + shortened(host) + "' is neither a host name nor an address");
        }
        Optional<HostName> via = destination instanceof HostName name ? Optional.of(name) : Optional.empty();
        List<InetAddress> addresses = switch (destination) {
            case HostName name -> resolver.resolve(name);
            case Destination.Block block when block.cidr().single() -> List.of(block.cidr().first());
            case Destination.Block block -> List.of();
        };
        if (addresses.isEmpty()) {
            throw new OutboundRefusedException(purpose + ": " + shortened(host) + " did not resolve to an address");
        }
        List<String> refused = new ArrayList<>();
        for (InetAddress address : addresses) {
            if (address.isLoopbackAddress()) {
                continue;
            }
            ResidencyGuard residencyGuard = guard.get();
            if (residencyGuard.hostAddresses().contains(address)) {
                continue;
            }
            Residency residency = residencyGuard.residency(address, via);
            // Special-purpose space (a colo LAN's 10.x, say) passes only when attested: the dataset labels some of it
            // with a country, which says nothing about where such an address really is.
            boolean special = residencyGuard.reserved(address).isPresent();
            if (special ? residency.attestedBy().isEmpty() : !residency.canadian()) {
                refused.add(Cidr.text(address) + " (" + (special ? "special-purpose address" : residency.country().orElse("no country")) + ")");
            }
        }
        if (!refused.isEmpty()) {
            LOG.log(Level.ERROR, "refused the appliance's own connection for " + purpose + " to " + shortened(host) + ": " + refused
                    + " is not in Canadian address space and no attested endpoint covers it");
            throw new OutboundRefusedException(purpose + ": " + shortened(host) + " resolves to " + refused
                    + ", outside Canadian address space; attest the endpoint in heroa.egress.attested-endpoints if it is in Canada");
        }
        ApprovedDestination destinationApproved = new ApprovedDestination(purpose, host, port, addresses);
        approved.add(destinationApproved);
        LOG.log(Level.INFO, "approved the appliance's own connection for " + purpose + " to " + host + ":" + port);
        return destinationApproved;
    }

    /** Every destination approved since start, for the residency report. */
    public List<ApprovedDestination> approved() {
        return List.copyOf(approved);
    }

    private static String shortened(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
