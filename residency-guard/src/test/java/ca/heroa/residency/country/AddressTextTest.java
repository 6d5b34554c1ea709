package ca.heroa.residency.country;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressTextTest {
    private static long ipv4(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return AddressText.ipv4(bytes, 0, bytes.length);
    }

    private static long[] ipv6(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        long[] out = new long[2];
        return AddressText.ipv6(bytes, 0, bytes.length, out) ? out : null;
    }

    @Test
    void dottedQuadsWithoutLeadingZeros() {
        assertEquals(0L, ipv4("0.0.0.0"));
        assertEquals(0xffffffffL, ipv4("255.255.255.255"));
        assertEquals(0xc6336407L, ipv4("198.51.100.7"));
        for (String bad : new String[] {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04", "1..2.3", "1.2.3.",
                ".1.2.3", "1.2.3.4 ", "a.b.c.d", "1.2.3.1000", "-1.2.3.4"}) {
            assertEquals(AddressText.INVALID, ipv4(bad), bad);
        }
    }

    @Test
    void ipv6TextFormsOfRfc4291() {
        assertArrayEquals(new long[] {0, 0}, ipv6("::"));
        assertArrayEquals(new long[] {0, 1}, ipv6("::1"));
        assertArrayEquals(new long[] {0x0001_0000_0000_0000L, 0}, ipv6("1::"));
        assertArrayEquals(new long[] {0x0001_0002_0003_0004L, 0x0005_0006_0007_0008L}, ipv6("1:2:3:4:5:6:7:8"));
        assertArrayEquals(new long[] {0x0001_0002_0003_0004L, 0x0005_0006_0007_0000L}, ipv6("1:2:3:4:5:6:7::"));
        assertArrayEquals(new long[] {0x0000_0002_0003_0004L, 0x0005_0006_0007_0008L}, ipv6("::2:3:4:5:6:7:8"));
        assertArrayEquals(new long[] {0x2001_0db8_0000_0000L, 0x0000_0000_0000_0001L}, ipv6("2001:DB8::1"));
        assertArrayEquals(new long[] {0, 0x0000_ffff_c633_6407L}, ipv6("::ffff:198.51.100.7"));
        assertArrayEquals(new long[] {0x0064_ff9b_0000_0000L, 0x0000_0000_c633_6407L}, ipv6("64:ff9b::198.51.100.7"));
        for (String bad : new String[] {"", ":", ":::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "1::2::3", ":1::",
                "1:", ":1", "1::2:", "g::", "::1%eth0", "1.2.3.4", "::1.2.3", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4",
                "::256.1.1.1", " ::1", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8"}) {
            assertEquals(null, ipv6(bad), bad);
        }
    }

    @Test
    void randomAddressesInTheJdksTextFormsParseToTheSameBytes() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            // Runs of zero groups, so that "::" appears in many places.
            for (int group = 0; group < 8; group++) {
                if (random.nextInt(3) == 0) {
                    bytes[2 * group] = 0;
                    bytes[2 * group + 1] = 0;
                }
            }
            InetAddress address = InetAddress.getByAddress(bytes);
            if (address.getAddress().length == 4) {
                continue; // IPv4-mapped: the JDK made it an Inet4Address
            }
            String text = address.getHostAddress();
            long[] parsed = ipv6(text);
            assertTrue(parsed != null, text);
            assertArrayEquals(bytes, ByteBuffer.allocate(16).putLong(parsed[0]).putLong(parsed[1]).array(), text);
            String compressed = ca.heroa.residency.address.Cidr.text(address);
            long[] again = ipv6(compressed);
            assertTrue(again != null, compressed);
            assertArrayEquals(parsed, again, compressed);
            byte[] four = new byte[4];
            random.nextBytes(four);
            String quad = InetAddress.getByAddress(four).getHostAddress();
            assertEquals(ByteBuffer.wrap(four).getInt() & 0xffffffffL, ipv4(quad), quad);
        }
        assertFalse(ipv6("::") == null);
    }
}
