package ca.heroa.residency.address;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A block of IPv4 or IPv6 addresses, {@code network/prefixLength}, with the host bits of {@code network} cleared. Parsing
 * accepts only address literals (never a name), so building a {@code Cidr} can never cause a DNS query.
 */
public record Cidr(InetAddress network, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]{2,39}");
    private static final int MAX_TEXT = 43;

    public Cidr {
        requireNonNull(network, "network is null");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0.." + bits);
        }
        byte[] masked = mask(network.getAddress(), prefixLength);
        if (!Arrays.equals(masked, network.getAddress())) {
            network = address(masked);
        }
    }

    /** {@code 198.51.100.0/24}, {@code 2001:db8::/32}, or a bare address (a block of one). */
    public static Cidr parse(String text) {
        requireNonNull(text, "text is null");
        if (text.isEmpty() || text.length() > MAX_TEXT) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 CIDR block");
        }
        int slash = text.indexOf('/');
        InetAddress address = parseAddress(slash < 0 ? text : text.substring(0, slash));
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            return new Cidr(address, bits);
        }
        String prefix = text.substring(slash + 1);
        if (prefix.isEmpty() || prefix.length() > 3 || !prefix.chars().allMatch(Character::isDigit)
                || (prefix.length() > 1 && prefix.charAt(0) == '0')) {
            throw new IllegalArgumentException("not an IPv4 or IPv6 CIDR block");
        }
        int length = Integer.parseInt(prefix);
        if (length > bits) {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0.." + bits);
        }
        return new Cidr(address, length);
    }

    /** An address literal (IPv4 dotted quad or IPv6 text form); never resolves a name. */
    public static InetAddress parseAddress(String text) {
        requireNonNull(text, "text is null");
        if (IPV4.matcher(text).matches()) {
            String[] parts = text.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                bytes[i] = (byte) Integer.parseInt(parts[i]);
            }
            return address(bytes);
        }
        if (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()) {
            try {
                // A string with a colon is only ever parsed as an IPv6 literal by the JDK, never looked up.
                InetAddress address = InetAddress.getByName(text);
                if (address.getAddress().length == 16) {
                    return address;
                }
            } catch (UnknownHostException | IllegalArgumentException invalid) {
                throw new IllegalArgumentException("not an IP address literal");
            }
        }
        throw new IllegalArgumentException("not an IP address literal");
    }

    /** The block holding exactly {@code address}. */
    public static Cidr of(InetAddress address) {
        return new Cidr(address, address.getAddress().length * 8);
    }

    public boolean ipv6() {
        return !(network instanceof Inet4Address);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.getAddress().length && Arrays.equals(mask(bytes, prefixLength), network.getAddress());
    }

    public boolean contains(Cidr other) {
        return other.ipv6() == ipv6() && other.prefixLength >= prefixLength && contains(other.network);
    }

    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    public InetAddress first() {
        return network;
    }

    public InetAddress last() {
        byte[] bytes = network.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return address(bytes);
    }

    /** True for a block of one address. */
    public boolean single() {
        return prefixLength == network.getAddress().length * 8;
    }

    /** The address in text form without any host name: {@code 198.51.100.7}, {@code 2001:db8::7}. */
    public static String text(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        return compressed(address.getAddress());
    }

    @Override
    public String toString() {
        return text(network) + "/" + prefixLength;
    }

    private static byte[] mask(byte[] bytes, int prefixLength) {
        byte[] masked = bytes.clone();
        for (int bit = prefixLength; bit < masked.length * 8; bit++) {
            masked[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return masked;
    }

    private static InetAddress address(byte[] bytes) {
        try {
            if (bytes.length == 16) {
                // InetAddress.getByAddress turns an IPv4-mapped address (::ffff:0:0/96) into an Inet4Address: a block of
                // that prefix would lose its family on masking or in last(), with a prefix length beyond 32.
                return Inet6Address.getByAddress(null, bytes, -1);
            }
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException impossible) {
            throw new IllegalArgumentException("an address is 4 or 16 bytes", impossible);
        }
    }

    /** RFC 5952 text: lower case, the longest run (first if tied, at least two) of zero groups as "::". */
    private static String compressed(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int length = 0;
            while (i + length < 8 && groups[i + length] == 0) {
                length++;
            }
            if (length > bestLength) {
                bestStart = i;
                bestLength = length;
            }
            i += length;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]).toLowerCase(Locale.ROOT));
        }
        return text.toString();
    }
}
