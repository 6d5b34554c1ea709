package ca.heroa.residency;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.address.ReservedAddresses;
import ca.heroa.residency.address.ReservedBlock;
import ca.heroa.residency.country.CountryRanges;
import ca.heroa.residency.country.DatasetInfo;
import ca.heroa.residency.plan.AttestedEndpoint;
import ca.heroa.residency.plan.Destination;
import ca.heroa.residency.plan.Destination.HostName;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The residency check: is an address, or a whole block, in Canadian address space (the country-range dataset) or
 * covered by an endpoint the operator attested as Canadian? Also says whether an address is special-purpose space or
 * one of the host's own, which no task reaches unless the site names it. Every egress decision, of tasks and of the
 * appliance itself, goes through here.
 */
public final class ResidencyGuard {
    public static final String CANADA = "CA";

    private final CountryRanges ranges;
    private final List<AttestedEndpoint> attested;
    private final HostAddresses hostAddresses;

    private ResidencyGuard(CountryRanges ranges, List<AttestedEndpoint> attested, HostAddresses hostAddresses) {
        this.ranges = requireNonNull(ranges, "ranges is null");
        this.attested = List.copyOf(attested);
        this.hostAddresses = requireNonNull(hostAddresses, "hostAddresses is null");
    }

    public static ResidencyGuard create(CountryRanges ranges, List<AttestedEndpoint> attested, HostAddresses hostAddresses) {
        return new ResidencyGuard(ranges, attested, hostAddresses);
    }

    /** Residency of {@code address}, reached through the host name {@code via} when it came from a lookup. */
    public Residency residency(InetAddress address, Optional<HostName> via) {
        InetAddress plain = plain(address);
        Optional<AttestedEndpoint> attestation = attested.stream()
                .filter(endpoint -> switch (endpoint.destination()) {
                    case Destination.Block block -> block.cidr().contains(plain);
                    case HostName name -> via.filter(name::equals).isPresent();
                })
                .findFirst();
        return new Residency(ranges.country(plain), attestation);
    }

    /** Residency of every address of {@code block}: a country only when one country covers all of it. */
    public Residency residency(Cidr block) {
        Optional<AttestedEndpoint> attestation = attested.stream()
                .filter(endpoint -> endpoint.destination() instanceof Destination.Block attestedBlock && attestedBlock.cidr().contains(block))
                .findFirst();
        return new Residency(ranges.countryOfAll(block), attestation);
    }

    public Optional<ReservedBlock> reserved(InetAddress address) {
        return ReservedAddresses.of(plain(address));
    }

    public List<ReservedBlock> reserved(Cidr block) {
        return ReservedAddresses.overlapping(block);
    }

    /** The host's own addresses now, read once for a whole decision (bytes only: no host name, no IPv6 scope). */
    public Set<InetAddress> hostAddresses() {
        return hostAddresses.get();
    }

    public DatasetInfo dataset() {
        return ranges.dataset();
    }

    public List<AttestedEndpoint> attested() {
        return attested;
    }

    /** The address without host name or IPv6 scope, so comparisons and output depend on the bytes only. */
    static InetAddress plain(InetAddress address) {
        try {
            return InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException("an address is 4 or 16 bytes", impossible);
        }
    }
}
