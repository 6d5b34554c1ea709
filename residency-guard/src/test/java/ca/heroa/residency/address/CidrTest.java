package ca.heroa.residency.address;

import org.junit.jupiter.api.Test;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CidrTest {
    @Test
    void parsesIpv4AndIpv6BlocksAndBareAddresses() {
        Cidr v4 = Cidr.parse("198.51.100.0/24");
        assertEquals("198.51.100.0/24", v4.toString());
        assertFalse(v4.ipv6());
        Cidr v6 = Cidr.parse("2001:DB8:CA::/48");
        assertEquals("2001:db8:ca::/48", v6.toString());
        assertTrue(v6.ipv6());
        Cidr bare = Cidr.parse("203.0.113.7");
        assertEquals(32, bare.prefixLength());
        assertTrue(bare.single());
        assertEquals(128, Cidr.parse("2001:db8::7").prefixLength());
        assertEquals("0.0.0.0/0", Cidr.parse("0.0.0.0/0").toString());
        assertEquals("::/0", Cidr.parse("::/0").toString());
    }

    @Test
    void refusesWhatIsNotABlock() {
        for (String bad : new String[] {"", "198.51.100.0/33", "2001:db8::/129", "198.51.100.0/", "198.51.100.0/024",
                "198.51.100.0/-1", "198.51.100.0/+8", "198.51.100", "198.51.100.256", "01.2.3.4", "2001:db8::g", "1::2::3",
                "fe80::1%eth0", "[2001:db8::1]", " 198.51.100.1", "198.51.100.1 ", "198.51.100.0/24/8",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/1288", "::ffff:198.51.100.7", "::ffff:c633:6407"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
        assertThrows(NullPointerException.class, () -> Cidr.parse(null));
    }

    @Test
    void namesAreNeverResolved() {
        // Any of these would be a DNS query with InetAddress.getByName; Cidr refuses them without asking anyone.
        for (String name : new String[] {"localhost", "example.com", "ca", "a.b.c.d", "deadbeef", "cafe", "1e100.net",
                "0x7f.1", "2130706433", "127.1", "0177.0.0.1"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(name), name);
            assertThrows(IllegalArgumentException.class, () -> Cidr.parseAddress(name), name);
        }
    }

    @Test
    void hostBitsAreMasked() {
        assertEquals(Cidr.parse("198.51.100.0/24"), Cidr.parse("198.51.100.77/24"));
        assertEquals("198.51.100.64/26", Cidr.parse("198.51.100.127/26").toString());
        assertEquals("2001:db8::/32", Cidr.parse("2001:db8:ffff::1/32").toString());
        assertEquals("2001:db8:ca::/47", Cidr.parse("2001:db8:cb::/47").toString());
        assertEquals("128.0.0.0/1", Cidr.parse("255.255.255.255/1").toString());
    }

    @Test
    void containsAddressesAndBlocksOfItsFamilyOnly() {
        Cidr block = Cidr.parse("198.51.100.0/24");
        assertTrue(block.contains(Cidr.parseAddress("198.51.100.0")));
        assertTrue(block.contains(Cidr.parseAddress("198.51.100.255")));
        assertFalse(block.contains(Cidr.parseAddress("198.51.101.0")));
        assertFalse(block.contains(Cidr.parseAddress("2001:db8::c633:6400")));
        assertTrue(block.contains(Cidr.parse("198.51.100.128/25")));
        assertFalse(block.contains(Cidr.parse("198.51.100.0/23")));
        assertTrue(Cidr.parse("198.51.100.0/23").overlaps(block));
        assertTrue(block.overlaps(Cidr.parse("198.51.100.0/23")));
        assertFalse(block.overlaps(Cidr.parse("203.0.113.0/24")));
        Cidr v6 = Cidr.parse("2001:db8:ca::/48");
        assertTrue(v6.contains(Cidr.parseAddress("2001:db8:ca:ffff:ffff:ffff:ffff:ffff")));
        assertFalse(v6.contains(Cidr.parseAddress("2001:db8:cb::")));
        assertFalse(Cidr.parse("::/0").contains(Cidr.parseAddress("198.51.100.1")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(Cidr.parseAddress("255.255.255.255")));
    }

    @Test
    void firstAndLastAddresses() {
        Cidr block = Cidr.parse("198.51.100.64/26");
        assertEquals(Cidr.parseAddress("198.51.100.64"), block.first());
        assertEquals(Cidr.parseAddress("198.51.100.127"), block.last());
        assertEquals(Cidr.parseAddress("255.255.255.255"), Cidr.parse("0.0.0.0/0").last());
        assertEquals(Cidr.parseAddress("2001:db8:ca:ffff:ffff:ffff:ffff:ffff"), Cidr.parse("2001:db8:ca::/48").last());
        assertEquals(Cidr.parseAddress("2001:db8::7"), Cidr.parse("2001:db8::7").last());
    }

    @Test
    void anIpv4MappedBlockKeepsItsFamily() throws Exception {
        // Fixed: InetAddress.getByAddress turned the masked network and last() of ::ffff:0:0/96 into Inet4Address.
        byte[] bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 51, 100, 7};
        Cidr mapped = new Cidr(Inet6Address.getByAddress(null, bytes, -1), 96);
        assertInstanceOf(Inet6Address.class, mapped.first());
        assertInstanceOf(Inet6Address.class, mapped.last());
        assertEquals(16, mapped.last().getAddress().length);
        assertEquals("::ffff:0:0/96", mapped.toString());
        assertTrue(mapped.ipv6());
    }

    @Test
    void textIsRfc5952() throws Exception {
        assertEquals("2001:db8::1", Cidr.text(InetAddress.getByName("2001:0DB8:0000:0000:0000:0000:0000:0001")));
        assertEquals("2001:db8:0:1:1:1:1:1", Cidr.text(InetAddress.getByName("2001:db8:0:1:1:1:1:1")), "one zero group stays");
        assertEquals("2001:0:0:1::1", Cidr.text(InetAddress.getByName("2001:0:0:1:0:0:0:1")), "the longest run is compressed");
        assertEquals("2001:db8::1:0:0:1", Cidr.text(InetAddress.getByName("2001:db8:0:0:1:0:0:1")), "the first of equal runs");
        assertEquals("::", Cidr.text(InetAddress.getByName("::")));
        assertEquals("::1", Cidr.text(InetAddress.getByName("::1")));
        assertEquals("1::", Cidr.text(InetAddress.getByName("1:0:0:0:0:0:0:0")));
        assertEquals("fe80::1", Cidr.text(InetAddress.getByName("fe80::1%1")), "no zone");
        assertEquals("198.51.100.7", Cidr.text(InetAddress.getByName("198.51.100.7")));
        assertInstanceOf(Inet4Address.class, Cidr.parseAddress("198.51.100.7"));
    }
}
