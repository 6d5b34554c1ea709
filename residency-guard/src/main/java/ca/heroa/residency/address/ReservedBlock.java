package ca.heroa.residency.address;

import static java.util.Objects.requireNonNull;

/** A block of special-purpose address space (IANA registries), never reachable by tasks unless the site names it. */
public record ReservedBlock(Cidr block, Kind kind) {
    public ReservedBlock {
        requireNonNull(block, "block is null");
        requireNonNull(kind, "kind is null");
    }

    public enum Kind {
        /** 0.0.0.0/8 ("this network"), ::/128. */
        UNSPECIFIED,
        /** 127.0.0.0/8, ::1/128. */
        LOOPBACK,
        /** RFC 1918. */
        PRIVATE,
        /** 100.64.0.0/10, carrier-grade NAT (RFC 6598). */
        SHARED,
        /** 169.254.0.0/16 (including the cloud metadata address 169.254.169.254), fe80::/10. */
        LINK_LOCAL,
        /** 224.0.0.0/4, ff00::/8. */
        MULTICAST,
        /** IETF protocol assignments, future use, limited broadcast, deprecated or special anycast space. */
        RESERVED,
        /** fc00::/7 (RFC 4193). */
        UNIQUE_LOCAL,
        /** Addresses that carry or stand for another address: IPv4-mapped, NAT64, 6to4, Teredo. */
        TRANSLATION,
        /** 198.18.0.0/15, 2001:2::/48 (RFC 2544, RFC 5180). */
        BENCHMARKING,
        /** 100::/64, discard-only (RFC 6666). */
        DISCARD
    }
}
