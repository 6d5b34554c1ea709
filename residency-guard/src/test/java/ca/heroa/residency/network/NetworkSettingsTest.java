package ca.heroa.residency.network;

import ca.heroa.residency.address.Cidr;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NetworkSettingsTest {
    private final NetworkSettings settings = NetworkSettings.defaults("0123456789ab");

    @Test
    void eachSlotHasItsOwnSlash30AndSlash64() {
        assertEquals(new Link(0, "h0123450000", Cidr.parseAddress("10.213.0.1"), Cidr.parseAddress("10.213.0.2"),
                Cidr.parseAddress("fd68:6572:6f61::1"), Cidr.parseAddress("fd68:6572:6f61::2")), settings.link(0));
        assertEquals(new Link(300, "h012345012c", Cidr.parseAddress("10.213.4.177"), Cidr.parseAddress("10.213.4.178"),
                Cidr.parseAddress("fd68:6572:6f61:12c::1"), Cidr.parseAddress("fd68:6572:6f61:12c::2")), settings.link(300));
        Link last = settings.link(settings.slots() - 1);
        assertEquals(Cidr.parseAddress("10.213.255.254"), last.taskIpv4());
        assertEquals("h0123453fff", last.hostInterface());
    }

    @Test
    void theSmallerSubnetBoundsTheSlots() {
        assertEquals(16_384, settings.slots());
        assertEquals(4, new NetworkSettings("0123456789ab", Cidr.parse("10.99.0.0/28"), Cidr.parse("fd99::/48")).slots());
        assertEquals(2, new NetworkSettings("0123456789ab", Cidr.parse("10.99.0.0/16"), Cidr.parse("fd99::/63")).slots());
        assertEquals(NetworkSettings.MAX_SLOTS, new NetworkSettings("0123456789ab", Cidr.parse("10.0.0.0/8"), Cidr.parse("fd00::/8")).slots());
        assertThrows(IllegalArgumentException.class, () -> settings.link(settings.slots()));
    }

    @Test
    void namesCarryTheApplianceIdAndFitTheKernelsLimits() {
        assertEquals("heroa-0123456789ab-", settings.namespacePrefix());
        assertEquals("h012345", settings.interfacePrefix());
        assertEquals("heroa_0123456789ab", settings.hostWall().table());
        assertEquals("02:68:00:00:01:2c", settings.link(300).hostMac());
        assertEquals("02:68:01:00:01:2c", settings.link(300).taskMac());
    }

    @Test
    void refusesInvalidSettings() {
        assertThrows(IllegalArgumentException.class, () -> NetworkSettings.defaults("0123456789AB"));
        assertThrows(IllegalArgumentException.class, () -> NetworkSettings.defaults("0123456789a"));
        assertThrows(IllegalArgumentException.class, () -> new NetworkSettings("0123456789ab", Cidr.parse("10.0.0.0/31"), Cidr.parse("fd00::/48")));
        assertThrows(IllegalArgumentException.class, () -> new NetworkSettings("0123456789ab", Cidr.parse("fd00::/48"), Cidr.parse("fd00::/48")));
        assertThrows(IllegalArgumentException.class, () -> new NetworkSettings("0123456789ab", Cidr.parse("10.0.0.0/16"), Cidr.parse("fd00::/65")));
    }
}
