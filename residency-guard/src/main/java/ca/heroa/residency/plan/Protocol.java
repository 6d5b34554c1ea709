package ca.heroa.residency.plan;

import java.util.Locale;
import java.util.Optional;

/** Transport protocol of an allowance; ICMP is never allowed. */
public enum Protocol {
    TCP, UDP;

    /** The lower-case name used in manifests, site configuration and nftables ({@code tcp}, {@code udp}). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Protocol> parse(String value) {
        for (Protocol protocol : values()) {
            if (protocol.value().equals(value)) {
                return Optional.of(protocol);
            }
        }
        return Optional.empty();
    }
}
