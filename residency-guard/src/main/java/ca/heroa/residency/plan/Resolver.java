package ca.heroa.residency.plan;

import ca.heroa.residency.plan.Destination.HostName;

import java.net.InetAddress;
import java.util.List;

/**
 * Turns a host name into addresses, once, for the plan of one task (or one outbound connection of the appliance). An
 * empty list means the name did not resolve. Implementations bound the time they take and the number of addresses.
 */
public interface Resolver {
    int MAX_ADDRESSES = 32;

    List<InetAddress> resolve(HostName name);
}
