package ca.heroa.residency.nft;

import static java.util.Objects.requireNonNull;

/**
 * The kernel counters of one task's ruleset, read at teardown: connections the plan allowed (first packets and every
 * packet of established flows) and packets the ruleset dropped, in each direction.
 */
public record EgressCounters(PacketCount allowedOut, PacketCount allowedIn, PacketCount blockedOut, PacketCount blockedIn) {
    public static final EgressCounters ZERO = new EgressCounters(PacketCount.ZERO, PacketCount.ZERO, PacketCount.ZERO, PacketCount.ZERO);

    public EgressCounters {
        requireNonNull(allowedOut, "allowedOut is null");
        requireNonNull(allowedIn, "allowedIn is null");
        requireNonNull(blockedOut, "blockedOut is null");
        requireNonNull(blockedIn, "blockedIn is null");
    }

    /** Totals across tasks (for the appliance's metrics). */
    public EgressCounters plus(EgressCounters other) {
        return new EgressCounters(allowedOut.plus(other.allowedOut), allowedIn.plus(other.allowedIn),
                blockedOut.plus(other.blockedOut), blockedIn.plus(other.blockedIn));
    }
}
