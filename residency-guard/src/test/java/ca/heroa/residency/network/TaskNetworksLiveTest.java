package ca.heroa.residency.network;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.nft.EgressCounters;
import ca.heroa.residency.nft.Nftables;
import ca.heroa.residency.nft.NftablesException;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.plan.PlannedRule;
import ca.heroa.residency.plan.PortRange;
import ca.heroa.residency.plan.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Task networks for real, as root, in namespaces this test builds ({@link LiveLab}). Every "blocked" is proved next to an
 * "allowed" that works in the same test, and every blocked destination is shown reachable without Heroa's rules (from
 * the host or the lab), so a refusal can only come from the rules.
 */
class TaskNetworksLiveTest {
    private static LiveLab lab;
    private static TaskNetworks networks;
    private static Nftables nftables;
    private static EgressPlan plan;

    @BeforeAll
    static void buildLab() {
        lab = LiveLab.create();
        nftables = Nftables.create(lab.commands);
        networks = TaskNetworks.create(lab.settings, lab.commands);
        networks.start();
        plan = new EgressPlan(List.of(
                new PlannedRule(Cidr.parse(lab.caIpv4), Protocol.TCP, List.of(PortRange.of(443)), "ca.test"),
                new PlannedRule(Cidr.parse(lab.caIpv6), Protocol.TCP, List.of(PortRange.of(443)), "ca.test"),
                new PlannedRule(Cidr.parse(lab.caIpv4), Protocol.UDP, List.of(PortRange.of(5353)), "ca.test")), List.of());
    }

    @AfterAll
    static void removeLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aTaskReachesTheAllowedCanadianHostAndPortOnlyOverIpv4AndIpv6() {
        TaskNetwork task = networks.prepare("tcp", plan);
        try {
            Optional<Path> in = Optional.of(task.path());
            EgressCounters before = counters(task);

            assertEquals(Optional.of("lab-443"), lab.tcp(in, lab.caIpv4, 443), "allowed: the CA host on 443 over IPv4");
            EgressCounters allowed = counters(task);
            assertTrue(allowed.allowedOut().packets() > before.allowedOut().packets(), "the allowed connection is counted as allowed");
            assertTrue(allowed.allowedIn().packets() > before.allowedIn().packets(), "its replies are counted as allowed");
            assertEquals(before.blockedOut(), allowed.blockedOut(), "nothing was blocked on the way");

            blocked(task, lab.caIpv4, 444, "lab-444", "the CA host on another port");
            blocked(task, lab.nonCaIpv4, 443, "lab-443", "a non-CA address reached directly by IP");
            blocked(task, lab.nonCaIpv6, 443, "lab-443", "a non-CA IPv6 address");

            EgressCounters beforeIpv6 = counters(task);
            assertEquals(Optional.of("lab-443"), lab.tcp(in, lab.caIpv6, 443), "allowed: the CA host on 443 over IPv6");
            assertTrue(counters(task).allowedOut().packets() > beforeIpv6.allowedOut().packets());
        } finally {
            releaseAndCheckNothingRemains(task);
        }
    }

    @Test
    void icmpAndUndeclaredUdpAndEveryDnsQueryAreRefused() {
        TaskNetwork task = networks.prepare("udp", plan);
        try {
            Optional<Path> in = Optional.of(task.path());
            long mdns = lab.labCounter("udp5353");
            lab.udp(in, lab.caIpv4, 5353);
            assertEquals(mdns + 1, lab.labCounter("udp5353"), "allowed: the declared UDP port of the CA host receives the datagram");

            assertTrue(lab.ping(Optional.empty(), lab.caIpv4), "control: the CA host answers pings from the host");
            EgressCounters beforePing = counters(task);
            assertFalse(lab.ping(in, lab.caIpv4), "ICMP to the allowed host is refused");
            assertTrue(counters(task).blockedOut().packets() > beforePing.blockedOut().packets(), "the ping is counted as blocked");

            long dns = lab.labCounter("udp53");
            lab.udp(Optional.empty(), lab.caIpv4, 53);
            assertEquals(dns + 1, lab.labCounter("udp53"), "control: a DNS query from the host reaches the lab");
            EgressCounters beforeDns = counters(task);
            for (String server : List.of(lab.caIpv4, lab.nonCaIpv4, lab.caIpv6, lab.nonCaIpv6)) {
                lab.udp(in, server, 53);
            }
            assertEquals(dns + 1, lab.labCounter("udp53"), "no DNS query from the task reached any server");
            assertTrue(counters(task).blockedOut().packets() >= beforeDns.blockedOut().packets() + 4, "each query is counted as blocked");
            assertEquals(Optional.of("lab-443"), lab.tcp(in, lab.caIpv4, 443), "allowed TCP still works next to the refused UDP");
        } finally {
            releaseAndCheckNothingRemains(task);
        }
    }

    @Test
    void theHostTheGatewayAndTheMetadataAddressAreUnreachable() {
        TaskNetwork task = networks.prepare("host", plan);
        try {
            Optional<Path> in = Optional.of(task.path());
            Link link = task.link().orElseThrow();
            assertEquals(Optional.of("host"), lab.tcp(Optional.of(LiveLab.path(lab.labName)), lab.hostLabIpv4, lab.hostPort()),
                    "control: the host's listener answers over a veth from another namespace");
            assertEquals(Optional.of("lab-443"), lab.tcp(in, lab.caIpv4, 443), "allowed: the CA host on 443");
            EgressCounters before = counters(task);
            for (String address : List.of(Cidr.text(link.gatewayIpv4()), Cidr.text(link.gatewayIpv6()), lab.hostLabIpv4)) {
                assertEquals(Optional.empty(), lab.tcp(in, address, lab.hostPort()), "the host at " + address + " is unreachable");
                assertEquals(Optional.empty(), lab.tcp(in, address, 22), "the host at " + address + " port 22 is unreachable");
            }
            assertEquals(Optional.empty(), lab.tcp(in, "169.254.169.254", 80), "the metadata address is unreachable");
            assertTrue(counters(task).blockedOut().packets() >= before.blockedOut().packets() + 7, "each attempt is counted as blocked");
        } finally {
            releaseAndCheckNothingRemains(task);
        }
    }

    @Test
    void anotherRunningTaskIsUnreachable() throws Exception {
        TaskNetwork first = networks.prepare("first", plan);
        TaskNetwork second = networks.prepare("second", plan);
        try {
            lab.listen(first.name(), 8443, "first");
            String firstAddress = Cidr.text(first.link().orElseThrow().taskIpv4());
            Optional<Path> fromSecond = Optional.of(second.path());
            assertEquals(Optional.of("lab-443"), lab.tcp(fromSecond, lab.caIpv4, 443), "allowed: the CA host on 443");
            assertEquals(Optional.empty(), lab.tcp(fromSecond, firstAddress, 8443), "the first task is unreachable from the second");
            assertEquals(Optional.empty(), lab.tcp(fromSecond, Cidr.text(first.link().orElseThrow().taskIpv6()), 8443));
        } finally {
            releaseAndCheckNothingRemains(second);
            releaseAndCheckNothingRemains(first);
        }
    }

    @Test
    void theHostWallAloneRefusesWhatThePlanDoesNotName() throws Exception {
        TaskNetwork task = networks.prepare("wall", plan);
        TaskNetwork other = networks.prepare("wall-other", plan);
        try {
            // As if the task's own ruleset were gone: only the host wall stands.
            for (TaskNetwork network : List.of(task, other)) {
                lab.ok("nsenter", "--net=" + network.path(), "--", "nft", "flush", "ruleset");
            }
            lab.listen(other.name(), 8443, "other");
            String otherAddress = Cidr.text(other.link().orElseThrow().taskIpv4());
            // The host wall drops even replies to the host from task interfaces, so the listener is checked from inside.
            lab.awaitReply(Optional.of(other.path()), otherAddress, 8443, "other");
            Optional<Path> in = Optional.of(task.path());
            Link link = task.link().orElseThrow();

            assertEquals(Optional.of("lab-443"), lab.tcp(in, lab.caIpv4, 443), "allowed: the planned tuple passes the wall");
            assertEquals(Optional.of("lab-443"), lab.tcp(in, lab.caIpv6, 443), "allowed: the planned IPv6 tuple passes the wall");
            assertEquals(Optional.empty(), lab.tcp(in, lab.caIpv4, 444), "the wall refuses another port");
            assertEquals(Optional.empty(), lab.tcp(in, lab.nonCaIpv4, 443), "the wall refuses an unplanned address");
            assertEquals(Optional.empty(), lab.tcp(in, lab.nonCaIpv6, 443), "the wall refuses an unplanned IPv6 address");
            assertEquals(Optional.empty(), lab.tcp(in, otherAddress, 8443), "the wall refuses another task (it answers itself)");
            assertEquals(Optional.empty(), lab.tcp(in, Cidr.text(link.gatewayIpv4()), lab.hostPort()), "the wall refuses the host");
            assertEquals(Optional.empty(), lab.tcp(in, lab.hostLabIpv4, lab.hostPort()), "the wall refuses the host's other addresses");
            assertEquals(Optional.empty(), lab.tcp(in, "169.254.169.254", 80), "the wall refuses the metadata address");
            assertFalse(lab.ping(in, lab.caIpv4), "the wall refuses ICMP");
            long dns = lab.labCounter("udp53");
            lab.udp(in, lab.caIpv4, 53);
            assertEquals(dns, lab.labCounter("udp53"), "the wall refuses DNS");
            long mdns = lab.labCounter("udp5353");
            lab.udp(in, lab.caIpv4, 5353);
            assertEquals(mdns + 1, lab.labCounter("udp5353"), "allowed: the planned UDP tuple passes the wall");
        } finally {
            releaseAndCheckNothingRemains(other);
            releaseAndCheckNothingRemains(task);
        }
    }

    @Test
    void aTaskWithoutEgressHasNoLinkAtAll() {
        TaskNetwork task = networks.prepare("none", EgressPlan.none());
        try {
            assertEquals(Optional.empty(), task.link());
            String links = lab.ok("ip", "-n", task.name(), "-o", "link", "show").stdout();
            assertEquals(1, links.lines().count(), "only loopback: " + links);
            assertEquals(Optional.empty(), lab.tcp(Optional.of(task.path()), lab.caIpv4, 443));
        } finally {
            releaseAndCheckNothingRemains(task);
        }
    }

    @Test
    void aRulesetTheKernelRefusesLeavesNoNamespaceAndNoLink() {
        Nftables refusing = new Nftables() {
            @Override
            public void apply(Optional<Path> netns, String ruleset) {
                nftables.apply(netns, netns.isPresent() ? ruleset + "this is not nft syntax\n" : ruleset);
            }

            @Override
            public EgressCounters counters(Path netns) {
                return nftables.counters(netns);
            }
        };
        KernelTaskNetworks failing = new KernelTaskNetworks(lab.settings, lab.commands, refusing, new ProcHostKernel());
        failing.start();

        TaskNetworkException refused = assertThrows(TaskNetworkException.class, () -> failing.prepare("refused", plan));

        assertTrue(refused.getCause() instanceof NftablesException, String.valueOf(refused.getCause()));
        assertFalse(Files.exists(LiveLab.path(lab.settings.namespacePrefix() + "refused")), "the namespace is gone");
        assertFalse(lab.ok("ip", "-o", "link", "show").stdout().contains(lab.settings.interfacePrefix()), "no task link exists");
        TaskNetwork working = networks.prepare("after-refusal", plan);
        try {
            assertEquals(Optional.of("lab-443"), lab.tcp(Optional.of(working.path()), lab.caIpv4, 443), "a valid ruleset still works");
        } finally {
            releaseAndCheckNothingRemains(working);
        }
    }

    @Test
    void startRemovesTheLeftoversOfACrash() {
        TaskNetwork leftover = networks.prepare("crashed", plan);
        Link link = leftover.link().orElseThrow();

        // A new instance, as after a restart, knows nothing of it.
        TaskNetworks restarted = TaskNetworks.create(lab.settings, lab.commands);
        restarted.start();

        assertFalse(Files.exists(leftover.path()), "the leftover namespace is gone");
        assertFalse(lab.run("ip", "link", "show", "dev", link.hostInterface()).succeeded(), "the leftover link is gone");
        assertFalse(lab.run("nft", "list", "chain", "inet", lab.settings.hostWall().table(), "task_" + link.hostInterface()).succeeded(),
                "the leftover wall entry is gone");
        networks.start();
    }

    private static EgressCounters counters(TaskNetwork task) {
        return nftables.counters(task.path());
    }

    /** {@code address:port} answers {@code reply} from the host, and nothing from the task, where the attempt is counted as blocked. */
    private static void blocked(TaskNetwork task, String address, int port, String reply, String what) {
        assertEquals(Optional.of(reply), lab.tcp(Optional.empty(), address, port), "control: " + what + " answers from the host");
        EgressCounters before = counters(task);
        assertEquals(Optional.empty(), lab.tcp(Optional.of(task.path()), address, port), "refused: " + what);
        EgressCounters after = counters(task);
        assertTrue(after.blockedOut().packets() > before.blockedOut().packets(), "counted as blocked: " + what);
        assertEquals(before.allowedOut(), after.allowedOut(), "not counted as allowed: " + what);
    }

    private static void releaseAndCheckNothingRemains(TaskNetwork task) {
        EgressCounters last = EgressCounters.ZERO;
        try {
            last = counters(task);
        } catch (NftablesException ignored) {
            // a test flushed the ruleset: the release reads nothing either
        }
        EgressCounters released = networks.release(task);
        assertTrue(released.allowedOut().packets() >= last.allowedOut().packets(), "release returns the final counters");
        assertFalse(Files.exists(task.path()), "the namespace of " + task.name() + " remains");
        assertFalse(lab.ok("ip", "netns", "list").stdout().contains(task.name()), "ip netns list still shows " + task.name());
        task.link().ifPresent(link -> {
            assertFalse(lab.run("ip", "link", "show", "dev", link.hostInterface()).succeeded(), "the link " + link.hostInterface() + " remains");
            String table = lab.settings.hostWall().table();
            assertFalse(lab.run("nft", "list", "chain", "inet", table, "task_" + link.hostInterface()).succeeded(), "the wall chain remains");
            assertFalse(lab.ok("nft", "list", "map", "inet", table, "task_chains").stdout().contains(link.hostInterface()), "the map element remains");
        });
    }
}
