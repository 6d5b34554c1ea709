package ca.heroa.residency.network;

import ca.heroa.residency.address.Cidr;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A task's point-to-point link to the host: a veth pair, {@code hostInterface} on the host (with the gateway
 * addresses) and {@code eth0} in the task's namespace (with the task addresses), in IPv4 /30 and IPv6 /64 blocks of
 * slot {@code slot}. Both ends have fixed, locally administered MAC addresses and static neighbour entries for each
 * other, so the link never needs ARP or neighbour discovery.
 */
public record Link(int slot, String hostInterface, InetAddress gatewayIpv4, InetAddress taskIpv4, InetAddress gatewayIpv6,
                   InetAddress taskIpv6) {
    public static final String TASK_INTERFACE = "eth0";
    public static final int IPV4_PREFIX = 30;
    public static final int IPV6_PREFIX = 64;
    private static final Pattern INTERFACE = Pattern.compile("[a-z][a-z0-9]{0,14}");

    public Link {
        requireNonNull(hostInterface, "hostInterface is null");
        requireNonNull(gatewayIpv4, "gatewayIpv4 is null");
        requireNonNull(taskIpv4, "taskIpv4 is null");
        requireNonNull(gatewayIpv6, "gatewayIpv6 is null");
        requireNonNull(taskIpv6, "taskIpv6 is null");
        if (slot < 0 || slot > 0xffff) {
            throw new IllegalArgumentException("a slot is 0..65535");
        }
        if (!INTERFACE.matcher(hostInterface).matches()) {
            throw new IllegalArgumentException("an interface name is 1 to 15 lower-case letters and digits");
        }
        if (!(gatewayIpv4 instanceof Inet4Address) || !(taskIpv4 instanceof Inet4Address)
                || !(gatewayIpv6 instanceof Inet6Address) || !(taskIpv6 instanceof Inet6Address)) {
            throw new IllegalArgumentException("a link has IPv4 and IPv6 gateway and task addresses");
        }
    }

    /** {@code 02:68:00:00:<slot>}: locally administered, unicast; unique per link, which is all a point-to-point link needs. */
    public String hostMac() {
        return mac(0);
    }

    /** {@code 02:68:01:00:<slot>}. */
    public String taskMac() {
        return mac(1);
    }

    private String mac(int end) {
        return String.format(Locale.ROOT, "02:68:%02x:00:%02x:%02x", end, slot >> 8, slot & 0xff);
    }

    /** The {@code ip -batch} lines, on the host, that create this link with its peer inside {@code namespace}. */
    public List<String> hostSide(String namespace) {
        String device = hostInterface;
        return List.of(
                "link add " + device + " address " + hostMac() + " arp off type veth peer name " + TASK_INTERFACE
                        + " address " + taskMac() + " arp off netns " + namespace,
                // No link-local address: nothing to announce, no duplicate-address or router probing on the link.
                "link set dev " + device + " addrgenmode none",
                "addr add " + Cidr.text(gatewayIpv4) + "/" + IPV4_PREFIX + " dev " + device,
                "addr add " + Cidr.text(gatewayIpv6) + "/" + IPV6_PREFIX + " dev " + device + " nodad",
                "neigh add " + Cidr.text(taskIpv4) + " lladdr " + taskMac() + " dev " + device + " nud permanent",
                "neigh add " + Cidr.text(taskIpv6) + " lladdr " + taskMac() + " dev " + device + " nud permanent",
                "link set dev " + device + " up");
    }

    /** The {@code ip -batch} lines, inside the task's namespace, that configure its end and its routes. */
    public List<String> taskSide() {
        String device = TASK_INTERFACE;
        return List.of(
                "link set dev lo up",
                "link set dev " + device + " addrgenmode none",
                "addr add " + Cidr.text(taskIpv4) + "/" + IPV4_PREFIX + " dev " + device,
                "addr add " + Cidr.text(taskIpv6) + "/" + IPV6_PREFIX + " dev " + device + " nodad",
                "neigh add " + Cidr.text(gatewayIpv4) + " lladdr " + hostMac() + " dev " + device + " nud permanent",
                "neigh add " + Cidr.text(gatewayIpv6) + " lladdr " + hostMac() + " dev " + device + " nud permanent",
                "link set dev " + device + " up",
                "route add default via " + Cidr.text(gatewayIpv4) + " dev " + device,
                "route add default via " + Cidr.text(gatewayIpv6) + " dev " + device);
    }
}
