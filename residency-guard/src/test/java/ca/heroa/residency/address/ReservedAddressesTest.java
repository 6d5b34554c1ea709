package ca.heroa.residency.address;

import ca.heroa.residency.address.ReservedBlock.Kind;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReservedAddressesTest {
    private static Optional<Kind> kind(String address) {
        return ReservedAddresses.of(Cidr.parseAddress(address)).map(ReservedBlock::kind);
    }

    @Test
    void everyBlockTheBriefListsIsReservedWithItsKind() {
        String[][] expected = {
                {"0.0.0.0", "UNSPECIFIED"}, {"0.255.255.255", "UNSPECIFIED"}, {"10.1.2.3", "PRIVATE"}, {"100.64.0.1", "SHARED"},
                {"100.127.255.255", "SHARED"}, {"127.0.0.1", "LOOPBACK"}, {"169.254.169.254", "LINK_LOCAL"},
                {"172.16.0.1", "PRIVATE"}, {"172.31.255.255", "PRIVATE"}, {"192.0.0.8", "RESERVED"},
                {"192.88.99.1", "TRANSLATION"}, {"192.168.0.1", "PRIVATE"}, {"198.18.0.1", "BENCHMARKING"},
                {"198.19.255.255", "BENCHMARKING"}, {"224.0.0.1", "MULTICAST"}, {"239.255.255.255", "MULTICAST"},
                {"240.0.0.1", "RESERVED"}, {"255.255.255.255", "RESERVED"}, {"::", "UNSPECIFIED"}, {"::1", "LOOPBACK"},
                {"64:ff9b::c633:6407", "TRANSLATION"}, {"64:ff9b:1::1", "TRANSLATION"}, {"100::1", "DISCARD"},
                {"2001::1", "TRANSLATION"}, {"2001:2::1", "BENCHMARKING"}, {"2001:1ff::1", "RESERVED"},
                {"2002:c633:6407::1", "TRANSLATION"}, {"fc00::1", "UNIQUE_LOCAL"}, {"fdff::1", "UNIQUE_LOCAL"},
                {"fe80::1", "LINK_LOCAL"}, {"febf::1", "LINK_LOCAL"}, {"ff02::1", "MULTICAST"}, {"::2", "RESERVED"}};
        for (String[] pair : expected) {
            assertEquals(Optional.of(Kind.valueOf(pair[1])), kind(pair[0]), pair[0]);
        }
    }

    @Test
    void documentationRangesAndPublicAddressesAreNotReserved() {
        for (String address : new String[] {"192.0.2.1", "198.51.100.7", "203.0.113.7", "2001:db8::1", "2001:db8:ca::1",
                "3fff::1", "3fff:fff::1", "8.8.8.8", "1.1.1.1", "24.48.0.1", "2001:410::1", "2001:200::1", "2600::1",
                "11.0.0.0", "9.255.255.255", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
                "198.17.255.255", "198.20.0.0", "223.255.255.255", "2001:200::", "2003::", "fbff::1", "fe00::1"}) {
            assertEquals(Optional.empty(), kind(address), address);
        }
    }

    @Test
    void theMostSpecificBlockWins() {
        assertEquals(Cidr.parse("2001::/32"), ReservedAddresses.of(Cidr.parseAddress("2001::1")).orElseThrow().block());
        assertEquals(Cidr.parse("255.255.255.255/32"),
                ReservedAddresses.of(Cidr.parseAddress("255.255.255.255")).orElseThrow().block());
        assertEquals(Cidr.parse("::1/128"), ReservedAddresses.of(Cidr.parseAddress("::1")).orElseThrow().block());
    }

    @Test
    void ipv4MappedAddressesAreJudgedByTheirIpv4AddressOrAsTranslation() throws Exception {
        // The JDK makes ::ffff:10.0.0.1 an Inet4Address, so it is judged as 10.0.0.1.
        assertEquals(Optional.of(Kind.PRIVATE), ReservedAddresses.of(InetAddress.getByName("::ffff:10.0.0.1")).map(ReservedBlock::kind));
        // An Inet6Address that still carries mapped bytes (built with Inet6Address.getByAddress) is translation space.
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 198, 51, 100, 7};
        assertEquals(Optional.of(Kind.TRANSLATION),
                ReservedAddresses.of(Inet6Address.getByAddress(null, mapped, -1)).map(ReservedBlock::kind));
    }

    @Test
    void overlappingFindsBlocksInsideAndAroundABlock() {
        assertEquals(List.of(Kind.PRIVATE), kinds(ReservedAddresses.overlapping(Cidr.parse("10.1.0.0/16"))));
        assertEquals(List.of(Kind.LINK_LOCAL), kinds(ReservedAddresses.overlapping(Cidr.parse("169.254.169.254"))));
        assertEquals(List.of(), ReservedAddresses.overlapping(Cidr.parse("198.51.100.0/24")));
        assertEquals(List.of(), ReservedAddresses.overlapping(Cidr.parse("2001:db8::/32")));
        assertEquals(List.of(Cidr.parse("172.16.0.0/12")), ReservedAddresses.overlapping(Cidr.parse("172.0.0.0/8")).stream()
                .map(ReservedBlock::block).toList(), "a reserved block inside the given one");
        List<ReservedBlock> everyIpv4 = ReservedAddresses.overlapping(Cidr.parse("0.0.0.0/0"));
        assertEquals(ReservedAddresses.all().stream().filter(reserved -> !reserved.block().ipv6()).toList(), everyIpv4);
        List<ReservedBlock> teredo = ReservedAddresses.overlapping(Cidr.parse("2001::/32"));
        assertEquals(List.of(Kind.RESERVED, Kind.TRANSLATION), kinds(teredo), "2001::/23 holds Teredo's 2001::/32");
        assertEquals(List.of(Kind.TRANSLATION), kinds(ReservedAddresses.overlapping(Cidr.parse("2002:c633:6407::/48"))));
    }

    @Test
    void allIsAnUnmodifiableListOfBothFamilies() {
        List<ReservedBlock> all = ReservedAddresses.all();
        assertTrue(all.stream().anyMatch(reserved -> reserved.block().ipv6()));
        assertTrue(all.stream().anyMatch(reserved -> !reserved.block().ipv6()));
        assertThrows(UnsupportedOperationException.class, () -> all.add(all.get(0)));
        assertThrows(NullPointerException.class, () -> new ReservedBlock(null, Kind.PRIVATE));
    }

    private static List<Kind> kinds(List<ReservedBlock> blocks) {
        return blocks.stream().map(ReservedBlock::kind).toList();
    }
}
