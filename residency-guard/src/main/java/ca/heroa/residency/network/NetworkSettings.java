package ca.heroa.residency.network;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.nft.HostWall;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Where one appliance's task networks live on the host. Task slot {@code n} gets the IPv4 /30 at offset {@code 4n} of
 * {@code ipv4Subnet} (gateway {@code .1}, task {@code .2}) and the {@code n}th IPv6 /64 of {@code ipv6Subnet} (gateway
 * {@code ::1}, task {@code ::2}). Names carry the appliance id so a reconciler finds exactly its own leftovers:
 * namespaces {@code heroa-<applianceId>-<key>}, host interfaces {@code h<first 6 hex of the id><slot as 4 hex>}.
 */
public record NetworkSettings(String applianceId, Cidr ipv4Subnet, Cidr ipv6Subnet) {
    public static final Cidr DEFAULT_IPV4_SUBNET = Cidr.parse("10.213.0.0/16");
    public static final Cidr DEFAULT_IPV6_SUBNET = Cidr.parse("fd68:6572:6f61::/48");
    public static final int MAX_SLOTS = 0x10000;
    public static final int MAX_NAME = 60;

    private static final Pattern APPLIANCE_ID = Pattern.compile("[0-9a-f]{12}");

    public NetworkSettings {
        requireNonNull(applianceId, "applianceId is null");
        requireNonNull(ipv4Subnet, "ipv4Subnet is null");
        requireNonNull(ipv6Subnet, "ipv6Subnet is null");
        if (!APPLIANCE_ID.matcher(applianceId).matches()) {
            throw new IllegalArgumentException("an appliance id is 12 lower-case hexadecimal digits");
        }
        if (ipv4Subnet.ipv6() || ipv4Subnet.prefixLength() > Link.IPV4_PREFIX) {
            throw new IllegalArgumentException("the IPv4 task subnet is an IPv4 block of /" + Link.IPV4_PREFIX + " or larger");
        }
        if (!ipv6Subnet.ipv6() || ipv6Subnet.prefixLength() > Link.IPV6_PREFIX) {
            throw new IllegalArgumentException("the IPv6 task subnet is an IPv6 block of /" + Link.IPV6_PREFIX + " or larger");
        }
    }

    public static NetworkSettings defaults(String applianceId) {
        return new NetworkSettings(applianceId, DEFAULT_IPV4_SUBNET, DEFAULT_IPV6_SUBNET);
    }

    /** How many task links fit in both subnets at once (at most {@link #MAX_SLOTS}). */
    public int slots() {
        int ipv4 = Link.IPV4_PREFIX - ipv4Subnet.prefixLength();
        int ipv6 = Link.IPV6_PREFIX - ipv6Subnet.prefixLength();
        int bits = Math.min(16, Math.min(ipv4, ipv6));
        return 1 << bits;
    }

    /** Every task interface on the host starts with this: {@code h} and the first 6 hex digits of the appliance id. */
    public String interfacePrefix() {
        return "h" + applianceId.substring(0, 6);
    }

    /** Every task namespace of this appliance starts with this: {@code heroa-<applianceId>-}. */
    public String namespacePrefix() {
        return "heroa-" + applianceId + "-";
    }

    public HostWall hostWall() {
        return new HostWall(applianceId, interfacePrefix(), ipv4Subnet, ipv6Subnet);
    }

    /** The addresses, names and MACs of slot {@code slot}. */
    public Link link(int slot) {
        if (slot < 0 || slot >= slots()) {
            throw new IllegalArgumentException("slot " + slot + " is outside 0.." + (slots() - 1));
        }
        BigInteger ipv4 = new BigInteger(1, ipv4Subnet.network().getAddress()).add(BigInteger.valueOf(4L * slot));
        BigInteger ipv6 = new BigInteger(1, ipv6Subnet.network().getAddress()).add(BigInteger.valueOf(slot).shiftLeft(64));
        return new Link(slot, interfacePrefix() + String.format(Locale.ROOT, "%04x", slot),
                address(ipv4.add(BigInteger.ONE), 4), address(ipv4.add(BigInteger.TWO), 4),
                address(ipv6.add(BigInteger.ONE), 16), address(ipv6.add(BigInteger.TWO), 16));
    }

    private static InetAddress address(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[length];
        int copied = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copied, bytes, length - copied, copied);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("an address of " + Arrays.toString(bytes), impossible);
        }
    }
}
