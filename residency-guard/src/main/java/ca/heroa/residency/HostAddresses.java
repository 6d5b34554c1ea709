package ca.heroa.residency;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/** The appliance host's own addresses, which a task may never reach unless the site names them. */
public interface HostAddresses extends Supplier<Set<InetAddress>> {

    /** Every address of every interface of this host, read from the kernel each time (interfaces come and go). */
    static HostAddresses system() {
        return () -> {
            Set<InetAddress> addresses = new HashSet<>();
            try {
                NetworkInterface.networkInterfaces().forEach(network -> network.inetAddresses().forEach(address -> {
                    addresses.add(ResidencyGuard.plain(address));
                }));
            } catch (SocketException unreadable) {
                throw new IllegalStateException("cannot list this host's network interfaces", unreadable);
            }
            return Set.copyOf(addresses);
        };
    }
}
