package ca.heroa.residency.nft;

import ca.heroa.residency.address.Cidr;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * What the host-side wall of one appliance needs to know: its table ({@code inet heroa_<applianceId>}), the prefix every
 * task interface name on the host starts with, and the subnets task addresses come from.
 */
public record HostWall(String applianceId, String interfacePrefix, Cidr ipv4Subnet, Cidr ipv6Subnet) {
    private static final Pattern APPLIANCE_ID = Pattern.compile("[0-9a-f]{12}");
    private static final Pattern INTERFACE_PREFIX = Pattern.compile("[a-z][a-z0-9]{0,10}");

    public HostWall {
        requireNonNull(applianceId, "applianceId is null");
        requireNonNull(interfacePrefix, "interfacePrefix is null");
        requireNonNull(ipv4Subnet, "ipv4Subnet is null");
        requireNonNull(ipv6Subnet, "ipv6Subnet is null");
        if (!APPLIANCE_ID.matcher(applianceId).matches()) {
            throw new IllegalArgumentException("an appliance id is 12 lower-case hexadecimal digits");
        }
        if (!INTERFACE_PREFIX.matcher(interfacePrefix).matches()) {
            throw new IllegalArgumentException("an interface prefix is 1 to 11 lower-case letters and digits, starting with a letter");
        }
        if (ipv4Subnet.ipv6() || !ipv6Subnet.ipv6()) {
            throw new IllegalArgumentException("the task subnets are one IPv4 and one IPv6 block");
        }
    }

    public String table() {
        return "heroa_" + applianceId;
    }
}
