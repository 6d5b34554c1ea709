package ca.heroa.appliance.egress;

import ca.heroa.appliance.testing.TestResidency;
import ca.heroa.residency.HostAddresses;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.country.CountryRanges;
import ca.heroa.residency.country.DatasetFile;
import ca.heroa.residency.country.DatasetSource;
import ca.heroa.residency.plan.AttestedEndpoint;
import ca.heroa.residency.plan.Destination;
import ca.heroa.residency.plan.Resolver;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The appliance's own destinations pass the residency check tasks get; each refusal next to the approval it differs from. */
class OutboundGateTest {
    private static final Map<String, List<InetAddress>> NAMES = Map.of(
            "db.lab.test", List.of(Cidr.parseAddress("198.51.100.7")),
            "db-abroad.lab.test", List.of(Cidr.parseAddress("203.0.113.7")),
            "db-split.lab.test", List.of(Cidr.parseAddress("198.51.100.8"), Cidr.parseAddress("203.0.113.8")),
            "localhost", List.of(Cidr.parseAddress("127.0.0.1")));
    private static final Resolver RESOLVER = name -> NAMES.getOrDefault(name.name(), List.of());

    private static OutboundGate gate(AttestedEndpoint... attested) {
        CountryRanges ranges = CountryRanges.load(new DatasetSource("lab", List.of(new DatasetFile(TestResidency.LAB_RANGES, Optional.empty()))));
        HostAddresses host = () -> Set.of(Cidr.parseAddress("198.51.100.1"));
        return new OutboundGate(() -> ResidencyGuard.create(ranges, List.of(attested), host), RESOLVER);
    }

    @Test
    void loopbackNeverNeedsTheDataset() {
        OutboundGate gate = new OutboundGate(() -> {
            throw new AssertionError("the dataset is not consulted for this host's own loopback");
        }, RESOLVER);
        assertEquals(List.of(Cidr.parseAddress("127.0.0.1")), gate.approve("database", "localhost", 5432).addresses());
        gate.approve("database", "::1", 5432);
        gate.approve("database", "[::1]", 5432);
        assertEquals(3, gate.approved().size());
    }

    @Test
    void aCanadianServerIsApprovedAndAForeignOneRefused() {
        OutboundGate gate = gate();
        assertEquals("db.lab.test", gate.approve("database", "db.lab.test", 5432).host());
        OutboundRefusedException abroad = assertThrows(OutboundRefusedException.class, () -> gate.approve("database", "db-abroad.lab.test", 5432));
        assertTrue(abroad.getMessage().contains("203.0.113.7 (US)"), abroad.getMessage());
        assertThrows(OutboundRefusedException.class, () -> gate.approve("database", "db-split.lab.test", 5432),
                "one foreign address among the answers refuses the server");
        assertThrows(OutboundRefusedException.class, () -> gate.approve("database", "203.0.113.9", 5432));
        assertThrows(OutboundRefusedException.class, () -> gate.approve("database", "nowhere.lab.test", 5432), "an unresolved name is refused");
        assertThrows(OutboundRefusedException.class, () -> gate.approve("database", "a b", 5432));
        gate.approve("database", "198.51.100.1", 5432);
        assertEquals(List.of("db.lab.test", "198.51.100.1"), gate.approved().stream().map(ApprovedDestination::host).toList(),
                "only approvals are listed; the host's own address passes");
    }

    @Test
    void aColoLanServerNeedsAnAttestation() {
        OutboundRefusedException refused = assertThrows(OutboundRefusedException.class, () -> gate().approve("database", "10.20.0.7", 5432));
        assertTrue(refused.getMessage().contains("special-purpose"), refused.getMessage());
        gate(new AttestedEndpoint(Destination.parse("10.20.0.7"), "colo LAN database, Vancouver rack 12")).approve("database", "10.20.0.7", 5432);
        gate(new AttestedEndpoint(new Destination.HostName("db-abroad.lab.test"), "registry data stale; hosted in Montréal"))
                .approve("database", "db-abroad.lab.test", 5432);
    }
}
