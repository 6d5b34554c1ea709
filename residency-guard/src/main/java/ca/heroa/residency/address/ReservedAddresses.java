package ca.heroa.residency.address;

import ca.heroa.residency.address.ReservedBlock.Kind;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Special-purpose address space from the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its
 * successors), plus the IETF-reserved ::/8 and the deprecated site-local fec0::/10 of the IPv6 address space registry.
 *
 * <p>The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32, 3fff::/20) are
 * deliberately absent: the test lab uses them as stand-ins for public hosts, and in real data they are in no country,
 * so the country check refuses them anyway.
 *
 * <p>Some blocks nest (Teredo 2001::/32 and the benchmarking 2001:2::/48 in 2001::/23, ::1 in ::/8, 255.255.255.255 in
 * 240.0.0.0/4): {@link #of} returns the most specific, {@link #overlapping} all of them.
 */
public final class ReservedAddresses {
    private static final List<ReservedBlock> ALL = List.of(
            block("0.0.0.0/8", Kind.UNSPECIFIED),
            block("10.0.0.0/8", Kind.PRIVATE),
            block("100.64.0.0/10", Kind.SHARED),
            block("127.0.0.0/8", Kind.LOOPBACK),
            block("169.254.0.0/16", Kind.LINK_LOCAL),
            block("172.16.0.0/12", Kind.PRIVATE),
            block("192.0.0.0/24", Kind.RESERVED),          // IETF protocol assignments (DS-Lite, NAT64 discovery, ...)
            block("192.31.196.0/24", Kind.RESERVED),       // AS112-v4 (RFC 7535)
            block("192.52.193.0/24", Kind.RESERVED),       // AMT relays (RFC 7450)
            block("192.88.99.0/24", Kind.TRANSLATION),     // former 6to4 relay anycast (RFC 7526)
            block("192.168.0.0/16", Kind.PRIVATE),
            block("192.175.48.0/24", Kind.RESERVED),       // AS112 direct delegation (RFC 7534)
            block("198.18.0.0/15", Kind.BENCHMARKING),
            block("224.0.0.0/4", Kind.MULTICAST),
            block("240.0.0.0/4", Kind.RESERVED),
            block("255.255.255.255/32", Kind.RESERVED),    // limited broadcast
            block("::/128", Kind.UNSPECIFIED),
            block("::1/128", Kind.LOOPBACK),
            block("::/8", Kind.RESERVED),                  // reserved by the IETF; holds the IPv4-compatible ::/96 too
            mapped(),
            block("64:ff9b::/96", Kind.TRANSLATION),       // NAT64 well-known prefix (RFC 6052)
            block("64:ff9b:1::/48", Kind.TRANSLATION),     // local-use NAT64 (RFC 8215)
            block("100::/64", Kind.DISCARD),
            block("2001::/23", Kind.RESERVED),             // IETF protocol assignments
            block("2001::/32", Kind.TRANSLATION),          // Teredo
            block("2001:2::/48", Kind.BENCHMARKING),
            block("2002::/16", Kind.TRANSLATION),          // 6to4
            block("5f00::/16", Kind.RESERVED),             // SRv6 SIDs (RFC 9602)
            block("fc00::/7", Kind.UNIQUE_LOCAL),
            block("fe80::/10", Kind.LINK_LOCAL),
            block("fec0::/10", Kind.RESERVED),             // deprecated site-local (RFC 3879)
            block("ff00::/8", Kind.MULTICAST));

    private ReservedAddresses() {
    }

    /** The most specific reserved block holding the address, if any. */
    public static Optional<ReservedBlock> of(InetAddress address) {
        requireNonNull(address, "address is null");
        ReservedBlock best = null;
        for (ReservedBlock reserved : ALL) {
            if (reserved.block().contains(address) && (best == null || reserved.block().prefixLength() > best.block().prefixLength())) {
                best = reserved;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Every reserved block sharing at least one address with the block (inside it, or holding it). */
    public static List<ReservedBlock> overlapping(Cidr block) {
        requireNonNull(block, "block is null");
        List<ReservedBlock> found = new ArrayList<>();
        for (ReservedBlock reserved : ALL) {
            if (reserved.block().overlaps(block)) {
                found.add(reserved);
            }
        }
        return List.copyOf(found);
    }

    /** Every reserved block, IPv4 first. */
    public static List<ReservedBlock> all() {
        return ALL;
    }

    private static ReservedBlock block(String cidr, Kind kind) {
        return new ReservedBlock(Cidr.parse(cidr), kind);
    }

    /** ::ffff:0:0/96, which Cidr.parse refuses: the JDK turns IPv4-mapped text into an IPv4 address. */
    private static ReservedBlock mapped() {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        try {
            return new ReservedBlock(new Cidr(Inet6Address.getByAddress(null, bytes, -1), 96), Kind.TRANSLATION);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException("16 bytes are an IPv6 address", impossible);
        }
    }
}
