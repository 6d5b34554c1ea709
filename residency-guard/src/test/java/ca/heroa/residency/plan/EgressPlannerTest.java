package ca.heroa.residency.plan;

import ca.heroa.residency.HostAddresses;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.country.CountryRanges;
import ca.heroa.residency.country.DatasetFile;
import ca.heroa.residency.country.DatasetSource;
import ca.heroa.residency.plan.Destination.HostName;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plan is the template's allowances intersected with the site's, every address checked for residency: each refused
 * case sits next to the allowed case it differs from by one thing.
 */
class EgressPlannerTest {
    private static final List<Cidr> TASK_NETWORKS = List.of(Cidr.parse("10.213.0.0/16"), Cidr.parse("fd68:6572:6f61::/48"));
    private static CountryRanges ranges;

    @BeforeAll
    static void dataset(@TempDir Path directory) throws IOException {
        Path csv = directory.resolve("ranges.csv");
        Files.writeString(csv, """
                198.51.100.0,198.51.100.255,CA
                203.0.113.0,203.0.113.255,US
                2001:db8:ca::,2001:db8:ca:ffff:ffff:ffff:ffff:ffff,CA
                2001:db8:99::,2001:db8:99:ffff:ffff:ffff:ffff:ffff,US
                """);
        ranges = CountryRanges.load(new DatasetSource("test", List.of(new DatasetFile(csv, Optional.empty()))));
    }

    private final Map<String, Deque<List<InetAddress>>> answers = new HashMap<>();
    private final Resolver resolver = name -> {
        Deque<List<InetAddress>> queue = answers.get(name.name());
        if (queue == null || queue.isEmpty()) {
            return List.of();
        }
        return queue.size() > 1 ? queue.poll() : queue.peek();
    };

    private void answer(String name, String... addresses) {
        answers.computeIfAbsent(name, key -> new ArrayDeque<>()).add(java.util.Arrays.stream(addresses).map(Cidr::parseAddress).toList());
    }

    private EgressPlanner planner(List<Allowance> site, List<AttestedEndpoint> attested, String... hostAddresses) {
        Set<InetAddress> host = java.util.Arrays.stream(hostAddresses).map(Cidr::parseAddress).collect(java.util.stream.Collectors.toSet());
        HostAddresses own = () -> host;
        return new EgressPlanner(ResidencyGuard.create(ranges, attested, own), new SiteAllowances(site), resolver, TASK_NETWORKS);
    }

    private static Allowance allow(String destination, Protocol protocol, int... ports) {
        return new Allowance(Destination.parse(destination), java.util.Arrays.stream(ports).mapToObj(PortRange::of).toList(), protocol);
    }

    private static Allowance tcp(String destination, int... ports) {
        return allow(destination, Protocol.TCP, ports);
    }

    private static EgressPlan planned(PlanResult result) {
        return assertInstanceOf(PlanResult.Planned.class, result, () -> "expected a plan, got " + result).plan();
    }

    private static List<Refusal> refused(PlanResult result) {
        return assertInstanceOf(PlanResult.Refused.class, result, () -> "expected refusals, got " + result).refusals();
    }

    private static Set<RefusalReason> reasons(List<Refusal> refusals) {
        return refusals.stream().map(Refusal::reason).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void theDefaultSiteAllowsNothing() {
        EgressPlanner planner = planner(List.of(), List.of());
        assertEquals(Set.of(RefusalReason.NOT_ALLOWED_BY_SITE), reasons(refused(planner.plan(List.of(tcp("198.51.100.10", 443))))));
        assertEquals(Set.of(RefusalReason.NOT_ALLOWED_BY_SITE), reasons(planner.checkDeclared(List.of(tcp("ca.lab.test", 443)))));
        assertTrue(planned(planner.plan(List.of())).isEmpty(), "no allowance, no rule");
    }

    @Test
    void aCanadianBlockTheSiteAllowsIsPlannedOnlyOnTheSitesPortsAndProtocol() {
        EgressPlanner planner = planner(List.of(tcp("198.51.100.0/24", 443)), List.of());
        EgressPlan plan = planned(planner.plan(List.of(tcp("198.51.100.10", 443))));
        assertEquals(List.of(new PlannedRule(Cidr.parse("198.51.100.10/32"), Protocol.TCP, List.of(PortRange.of(443)), "198.51.100.10/32")), plan.rules());
        assertEquals(Set.of(RefusalReason.NOT_ALLOWED_BY_SITE), reasons(refused(planner.plan(List.of(tcp("198.51.100.10", 444))))));
        assertEquals(Set.of(RefusalReason.NOT_ALLOWED_BY_SITE), reasons(refused(planner.plan(List.of(allow("198.51.100.10", Protocol.UDP, 443))))));
        assertTrue(reasons(refused(planner.plan(List.of(tcp("198.51.100.0/23", 443))))).contains(RefusalReason.NOT_ALLOWED_BY_SITE),
                "a block wider than the site's is not covered");
    }

    @Test
    void aLiteralAddressOutsideCanadaIsRefusedWithItsCountryEvenWhenTheSiteAllowsEverything() {
        EgressPlanner planner = planner(List.of(tcp("0.0.0.0/0", 443), tcp("::/0", 443)), List.of());
        List<Refusal> refusals = planner.checkDeclared(List.of(tcp("203.0.113.10", 443)));
        assertEquals(List.of(new Refusal("203.0.113.10/32 tcp/443", Optional.of("203.0.113.10/32"), Optional.of("US"), RefusalReason.NOT_CANADIAN)),
                refusals);
        assertTrue(planner.checkDeclared(List.of(tcp("198.51.100.10", 443))).isEmpty(), "the Canadian address passes");
        assertEquals(Set.of(RefusalReason.NOT_CANADIAN), reasons(planner.checkDeclared(List.of(tcp("2001:db8:99::10", 443)))));
        assertTrue(planner.checkDeclared(List.of(tcp("2001:db8:ca::10", 443))).isEmpty(), "the Canadian IPv6 address passes");
        Refusal nowhere = planner.checkDeclared(List.of(tcp("198.18.0.1", 443))).stream()
                .filter(refusal -> refusal.reason() == RefusalReason.NOT_CANADIAN).findFirst().orElseThrow();
        assertEquals(Optional.empty(), nowhere.country(), "an address in no range has no country, and is not Canadian");
        assertEquals(Set.of(RefusalReason.NOT_CANADIAN), reasons(planner.checkDeclared(List.of(tcp("198.51.100.0/23", 443)))),
                "a block half outside Canada is refused whole");
    }

    @Test
    void specialPurposeAddressesNeedTheSiteToNameThemAndAnAttestation() {
        EgressPlanner open = planner(List.of(tcp("0.0.0.0/0", 443)), List.of(new AttestedEndpoint(Destination.parse("0.0.0.0/0"), "test: everything")));
        for (String special : List.of("127.0.0.1", "10.0.0.5", "169.254.169.254", "224.0.0.1", "100.64.0.1", "0.0.0.0", "255.255.255.255")) {
            assertEquals(Set.of(RefusalReason.RESERVED_ADDRESS), reasons(open.checkDeclared(List.of(tcp(special, 443)))), special);
        }
        EgressPlanner named = planner(List.of(tcp("10.0.5.0/24", 443)), List.of(new AttestedEndpoint(Destination.parse("10.0.5.7"), "colo LAN, Vancouver")));
        assertTrue(named.checkDeclared(List.of(tcp("10.0.5.7", 443))).isEmpty(), "named by the site and attested: allowed");
        EgressPlanner namedNotAttested = planner(List.of(tcp("10.0.5.0/24", 443)), List.of());
        assertEquals(Set.of(RefusalReason.NOT_CANADIAN), reasons(namedNotAttested.checkDeclared(List.of(tcp("10.0.5.7", 443)))));
        EgressPlanner sixOpen = planner(List.of(tcp("::/0", 443)), List.of(new AttestedEndpoint(Destination.parse("::/0"), "test: everything")));
        for (String special : List.of("::1", "fe80::1", "fd00::1", "ff02::1", "64:ff9b::cb00:710a", "2002:cb00:710a::1", "2001::1")) {
            assertEquals(Set.of(RefusalReason.RESERVED_ADDRESS), reasons(sixOpen.checkDeclared(List.of(tcp(special, 443)))), special);
        }
    }

    @Test
    void theHostsOwnAddressesAreRefusedUnlessTheSiteNamesExactlyThatAddress() {
        EgressPlanner planner = planner(List.of(tcp("198.51.100.0/24", 443)), List.of(), "198.51.100.1");
        assertEquals(Set.of(RefusalReason.APPLIANCE_ADDRESS), reasons(planner.checkDeclared(List.of(tcp("198.51.100.1", 443)))));
        assertEquals(Set.of(RefusalReason.APPLIANCE_ADDRESS), reasons(planner.checkDeclared(List.of(tcp("198.51.100.0/24", 443)))));
        assertTrue(planner.checkDeclared(List.of(tcp("198.51.100.2", 443))).isEmpty(), "a neighbour of the host passes");
        answer("host.lab.test", "198.51.100.1");
        assertEquals(Set.of(RefusalReason.APPLIANCE_ADDRESS), reasons(refused(planner.plan(List.of(tcp("host.lab.test", 443))))));
        EgressPlanner named = planner(List.of(tcp("198.51.100.1", 443)), List.of(), "198.51.100.1");
        assertTrue(named.checkDeclared(List.of(tcp("198.51.100.1", 443))).isEmpty());
    }

    @Test
    void theTaskNetworksAreNeverPlannedWhateverTheSiteAllowsAndAttests() {
        EgressPlanner colo = planner(List.of(tcp("10.0.0.0/8", 443), tcp("fd00::/8", 443)),
                List.of(new AttestedEndpoint(Destination.parse("10.0.0.0/8"), "colo LAN, Vancouver"),
                        new AttestedEndpoint(Destination.parse("fd00::/8"), "colo LAN, Vancouver")));
        assertTrue(colo.checkDeclared(List.of(tcp("10.20.0.7", 443))).isEmpty(), "the colo LAN the site names and attests is allowed");
        for (String other : List.of("10.213.0.5", "10.213.0.6", "10.213.0.0/16", "10.0.0.0/8", "fd68:6572:6f61:1::2")) {
            assertEquals(Set.of(RefusalReason.APPLIANCE_ADDRESS), reasons(colo.checkDeclared(List.of(tcp(other, 443)))),
                    other + ": another task or the host's end of its link");
        }
        answer("neighbour.lab.test", "10.213.0.6");
        assertEquals(Set.of(RefusalReason.APPLIANCE_ADDRESS), reasons(refused(colo.plan(List.of(tcp("neighbour.lab.test", 443))))));
    }

    @Test
    void aHostNameIsResolvedOnceAndEveryAddressIsPinnedAndPlanned() {
        answer("ca.lab.test", "198.51.100.10", "2001:db8:ca::10");
        EgressPlanner planner = planner(List.of(tcp("ca.lab.test", 443)), List.of());
        EgressPlan plan = planned(planner.plan(List.of(tcp("ca.lab.test", 443), allow("ca.lab.test", Protocol.TCP, 443))));
        assertEquals(List.of(new PinnedHost("ca.lab.test", List.of(Cidr.parseAddress("198.51.100.10"), Cidr.parseAddress("2001:db8:ca::10")))),
                plan.hosts());
        assertEquals(List.of("198.51.100.10/32", "2001:db8:ca::10/128", "198.51.100.10/32", "2001:db8:ca::10/128"),
                plan.rules().stream().map(rule -> rule.destination().toString()).toList());
        assertTrue(plan.rules().stream().allMatch(rule -> rule.declaredAs().equals("ca.lab.test")));
        assertEquals(Set.of(RefusalReason.UNRESOLVED), reasons(refused(planner.plan(List.of(tcp("missing.lab.test", 443))))));
    }

    @Test
    void aNameThatResolvesToCanadaFirstAndAbroadLaterNeverGetsARuleForTheForeignAddress() {
        answer("rebind.lab.test", "198.51.100.20");
        answer("rebind.lab.test", "203.0.113.20");
        EgressPlanner planner = planner(List.of(tcp("rebind.lab.test", 443)), List.of());
        EgressPlan first = planned(planner.plan(List.of(tcp("rebind.lab.test", 443))));
        assertEquals(List.of("198.51.100.20/32"), first.rules().stream().map(rule -> rule.destination().toString()).toList());
        List<Refusal> second = refused(planner.plan(List.of(tcp("rebind.lab.test", 443))));
        assertEquals(List.of(new Refusal("rebind.lab.test tcp/443", Optional.of("203.0.113.20"), Optional.of("US"), RefusalReason.NOT_CANADIAN)), second);
        answer("mixed.lab.test", "198.51.100.30", "203.0.113.30");
        EgressPlanner mixed = planner(List.of(tcp("mixed.lab.test", 443)), List.of());
        assertEquals(Set.of(RefusalReason.NOT_CANADIAN), reasons(refused(mixed.plan(List.of(tcp("mixed.lab.test", 443))))),
                "one foreign address among Canadian ones refuses the whole name: no partial plan");
    }

    @Test
    void aSiteBlockCoversANameOnlyForTheAddressesInsideIt() {
        answer("inside.lab.test", "198.51.100.40");
        answer("outside.lab.test", "2001:db8:ca::40");
        EgressPlanner planner = planner(List.of(tcp("198.51.100.0/24", 443)), List.of());
        assertTrue(planner.checkDeclared(List.of(tcp("inside.lab.test", 443))).isEmpty(), "a site block might cover it: decided at task start");
        planned(planner.plan(List.of(tcp("inside.lab.test", 443))));
        assertEquals(Set.of(RefusalReason.NOT_ALLOWED_BY_SITE), reasons(refused(planner.plan(List.of(tcp("outside.lab.test", 443))))));
    }

    @Test
    void anAttestedNameMakesItsAddressesCanadianForThatNameOnly() {
        answer("partner.example", "203.0.113.50");
        answer("other.example", "203.0.113.50");
        EgressPlanner planner = planner(List.of(tcp("partner.example", 443), tcp("other.example", 443)),
                List.of(new AttestedEndpoint(new HostName("partner.example"), "contract 42: hosted in Montréal; the registry data is stale")));
        planned(planner.plan(List.of(tcp("partner.example", 443))));
        assertEquals(Set.of(RefusalReason.NOT_CANADIAN), reasons(refused(planner.plan(List.of(tcp("other.example", 443))))),
                "the same address reached through another name is not attested");
    }
}
