package ca.heroa.residency.network;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.nft.EgressCounters;
import ca.heroa.residency.nft.Nftables;
import ca.heroa.residency.nft.PacketCount;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.plan.PlannedRule;
import ca.heroa.residency.plan.PortRange;
import ca.heroa.residency.plan.Protocol;
import ca.heroa.residency.process.Command;
import ca.heroa.residency.process.FakeHostCommands;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static ca.heroa.residency.process.FakeHostCommands.argumentsContain;
import static ca.heroa.residency.process.FakeHostCommands.inputContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The order and undo logic of {@link KernelTaskNetworks}, on fake host commands (no root needed). */
class KernelTaskNetworksTest {
    private static final String NAME = "heroa-0123456789ab-task1";
    private static final EgressPlan PLAN = new EgressPlan(List.of(
            new PlannedRule(Cidr.parse("198.51.100.10"), Protocol.TCP, List.of(PortRange.of(443)), "api.example.ca")), List.of());
    private static final String COUNTERS_JSON = """
            {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, \
            {"counter": {"family": "inet", "name": "allowed_out", "table": "heroa_task", "handle": 3, "packets": 5, "bytes": 300}}, \
            {"counter": {"family": "inet", "name": "allowed_in", "table": "heroa_task", "handle": 4, "packets": 4, "bytes": 250}}, \
            {"counter": {"family": "inet", "name": "blocked_out", "table": "heroa_task", "handle": 5, "packets": 2, "bytes": 120}}, \
            {"counter": {"family": "inet", "name": "blocked_in", "table": "heroa_task", "handle": 6, "packets": 0, "bytes": 0}}]}""";

    private final FakeHostCommands commands = new FakeHostCommands()
            // after a deletion, the link is gone
            .when(argumentsContain("link show dev"), FakeHostCommands.failure(1, "Device does not exist"));
    private final FakeKernel kernel = new FakeKernel();

    private KernelTaskNetworks networks(NetworkSettings settings) {
        KernelTaskNetworks networks = new KernelTaskNetworks(settings, commands, Nftables.create(commands), kernel);
        networks.start();
        commands.clear();
        return networks;
    }

    private KernelTaskNetworks networks() {
        return networks(NetworkSettings.defaults("0123456789ab"));
    }

    @Test
    void prepareInstallsTheRulesetBeforeAnyLinkExistsInFivePrograms() {
        TaskNetwork network = networks().prepare("task1", PLAN);

        List<Command> ran = commands.commands();
        assertEquals(List.of("ip netns add " + NAME,
                "nsenter --net=/run/netns/" + NAME + " -- nft -f -",
                "nft -f -",
                "ip -batch -",
                "ip -n " + NAME + " -batch -"), ran.stream().map(command -> String.join(" ", command.argv())).toList());
        assertTrue(ran.get(1).stdinText().contains("policy drop"), "the task ruleset drops by default");
        assertTrue(ran.get(2).stdinText().contains("add element inet heroa_0123456789ab task_chains { \"h0123450000\""), ran.get(2).stdinText());
        assertTrue(ran.get(3).stdinText().startsWith("link add h0123450000 address 02:68:00:00:00:00 arp off type veth peer name eth0"
                + " address 02:68:01:00:00:00 arp off netns " + NAME + "\n"), ran.get(3).stdinText());
        assertTrue(ran.get(4).stdinText().contains("route add default via fd68:6572:6f61::1 dev eth0\n"), ran.get(4).stdinText());
        assertEquals(new TaskNetwork(NAME, Path.of("/run/netns/" + NAME), Optional.of(NetworkSettings.defaults("0123456789ab").link(0))), network);
    }

    @Test
    void closeReleasesWhatIsActiveAndDeletesTheHostWallTable() {
        KernelTaskNetworks networks = networks();
        TaskNetwork network = networks.prepare("task1", PLAN);
        commands.clear();

        networks.close();

        List<String> ran = commands.commands().stream().map(command -> String.join(" ", command.argv()) + " " + command.stdinText()).toList();
        assertTrue(ran.stream().anyMatch(line -> line.contains("netns delete " + NAME)), "the task's namespace is deleted: " + ran);
        assertTrue(ran.get(ran.size() - 1).contains("delete table inet heroa_0123456789ab"), "the wall table goes last: " + ran);
        assertEquals(EgressCounters.ZERO, networks.release(network), "already released by close");
        assertThrows(TaskNetworkException.class, () -> networks.prepare("task2", PLAN), "nothing is prepared after close");
    }

    @Test
    void aRefusedRulesetMeansNoLinkAndNoNamespace() {
        KernelTaskNetworks networks = networks();
        commands.when(argumentsContain("nsenter"), FakeHostCommands.failure(1, "Error: Could not process rule: Operation not supported"));

        TaskNetworkException refused = assertThrows(TaskNetworkException.class, () -> networks.prepare("task1", PLAN));

        assertTrue(refused.getMessage().contains("Operation not supported"), refused.getMessage());
        assertTrue(commands.commands().stream().noneMatch(command -> command.stdinText().contains("link add")), "a link was created");
        assertTrue(commands.commands().stream().noneMatch(command -> command.stdinText().contains("task_chains")), "a wall entry was added");
        assertTrue(lastBatch().contains("netns delete " + NAME), "the namespace was not deleted");
        assertEquals(0, networks.slotsInUse());
    }

    @Test
    void aFailingLinkUndoesTheWallEntryTheLinkAndTheNamespace() {
        KernelTaskNetworks networks = networks();
        commands.once(inputContains("link add"), FakeHostCommands.failure(1, "RTNETLINK answers: File exists"));

        assertThrows(TaskNetworkException.class, () -> networks.prepare("task1", PLAN));

        List<String> wall = commands.commands().stream().map(Command::stdinText).filter(text -> text.contains("task_chains")).toList();
        assertEquals(2, wall.size(), "the entry added, then removed");
        assertTrue(wall.get(1).contains("delete element inet heroa_0123456789ab task_chains { \"h0123450000\" }"), wall.get(1));
        assertEquals("link delete dev h0123450000\nnetns delete " + NAME + "\n", lastBatch());
        assertEquals(0, networks.slotsInUse(), "the slot is free again");
        assertEquals("h0123450000", networks.prepare("task2", PLAN).link().orElseThrow().hostInterface());
    }

    @Test
    void aNamespaceThatCannotBeCreatedLeavesNothingToUndo() {
        KernelTaskNetworks networks = networks();
        commands.once(argumentsContain("netns add"), FakeHostCommands.failure(1, "Cannot create namespace file \"/run/netns/x\": File exists"));

        TaskNetworkException failure = assertThrows(TaskNetworkException.class, () -> networks.prepare("task1", PLAN));

        assertTrue(failure.getMessage().contains("File exists"), failure.getMessage());
        assertEquals(1, commands.commands().size(), "nothing deleted: the existing namespace is not this prepare's");
    }

    @Test
    void anEmptyPlanGetsNoLinkOnlyLoopback() {
        TaskNetwork network = networks().prepare("task1", EgressPlan.none());

        assertEquals(Optional.empty(), network.link());
        assertEquals(List.of("ip netns add " + NAME, "nsenter --net=/run/netns/" + NAME + " -- nft -f -", "ip -n " + NAME + " link set dev lo up"),
                commands.commands().stream().map(command -> String.join(" ", command.argv())).toList());
    }

    @Test
    void exhaustedSlotsFailThePrepareAndRemoveItsNamespace() {
        KernelTaskNetworks networks = networks(new NetworkSettings("0123456789ab", Cidr.parse("10.99.0.0/29"), Cidr.parse("fd99::/48")));
        networks.prepare("task1", PLAN);
        networks.prepare("task2", PLAN);

        TaskNetworkException exhausted = assertThrows(TaskNetworkException.class, () -> networks.prepare("task3", PLAN));

        assertEquals("all 2 task network slots are in use", exhausted.getMessage());
        assertEquals("netns delete heroa-0123456789ab-task3\n", lastBatch());
    }

    @Test
    void releaseReadsTheCountersThenRemovesEverythingOnceAndFreesTheSlot() {
        KernelTaskNetworks networks = networks();
        TaskNetwork network = networks.prepare("task1", PLAN);
        commands.clear();
        commands.when(argumentsContain("list counters"), FakeHostCommands.success(COUNTERS_JSON));

        EgressCounters counters = networks.release(network);

        assertEquals(new EgressCounters(new PacketCount(5, 300), new PacketCount(4, 250), new PacketCount(2, 120), PacketCount.ZERO), counters);
        List<String> ran = commands.commands().stream().map(command -> String.join(" ", command.argv())).toList();
        assertEquals(List.of("nsenter --net=/run/netns/" + NAME + " -- nft -j list counters table inet heroa_task",
                "nft -f -", "ip -force -batch -"), ran);
        assertEquals("link delete dev h0123450000\nnetns delete " + NAME + "\n", lastBatch());
        assertEquals(0, networks.slotsInUse());
        commands.clear();
        assertEquals(EgressCounters.ZERO, networks.release(network), "a second release does nothing");
        assertEquals(List.of(), commands.commands());
    }

    @Test
    void countersThenDiscardReadTheCountersOnceAndRemoveEverything() {
        KernelTaskNetworks networks = networks();
        TaskNetwork network = networks.prepare("task1", PLAN);
        commands.clear();
        commands.when(argumentsContain("list counters"), FakeHostCommands.success(COUNTERS_JSON));

        assertEquals(new PacketCount(5, 300), networks.counters(network).orElseThrow().allowedOut());
        networks.discard(network);

        List<String> ran = commands.commands().stream().map(command -> String.join(" ", command.argv())).toList();
        assertEquals(List.of("nsenter --net=/run/netns/" + NAME + " -- nft -j list counters table inet heroa_task",
                "nft -f -", "ip -force -batch -"), ran, "one counters read, then the wall entry, link and namespace");
        assertEquals(0, networks.slotsInUse());
        commands.clear();
        networks.discard(network);
        assertEquals(List.of(), commands.commands(), "a second discard does nothing");
    }

    @Test
    void releaseGoesOnWhenEachStepFailsAndKeepsTheSlotOfALinkThatStayed() {
        KernelTaskNetworks networks = networks();
        TaskNetwork network = networks.prepare("task1", PLAN);
        commands.when(argumentsContain("list counters"), FakeHostCommands.failure(1, "Error: No such file or directory"))
                .when(argumentsContain("nft -f -"), FakeHostCommands.failure(1, "Error: Could not process rule"))
                .when(argumentsContain("-force -batch"), FakeHostCommands.failure(1, "Cannot find device"));
        commands.once(argumentsContain("link show dev"), FakeHostCommands.success("5: h0123450000@if2: <BROADCAST>"));
        commands.clear();

        assertEquals(EgressCounters.ZERO, networks.release(network));

        assertEquals(4, commands.commands().size(), "every step was tried");
        assertEquals(1, networks.slotsInUse(), "a link that could not be deleted keeps its slot");
    }

    @Test
    void startNeedsPrivilegesEnablesForwardingAndRemovesOnlyThisAppliancesLeftovers() {
        commands.when(argumentsContain("netns list"), FakeHostCommands.success("""
                        heroa-0123456789ab-old1 (id: 3)
                        heroa-ffffffffffff-other (id: 2)
                        heroa-0123456789ab-old2
                        """))
                .when(argumentsContain("-o link show"), FakeHostCommands.success("""
                        1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN
                        7: h0123450003@if2: <BROADCAST,MULTICAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP
                        8: hffffff0003@if2: <BROADCAST,MULTICAST,NOARP,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP
                        """));
        KernelTaskNetworks networks = new KernelTaskNetworks(NetworkSettings.defaults("0123456789ab"), commands, Nftables.create(commands), kernel);

        assertThrows(TaskNetworkException.class, () -> networks.prepare("task1", PLAN), "prepare before start");
        networks.start();

        assertTrue(kernel.forwarding, "forwarding enabled");
        assertTrue(commands.commands().get(0).stdinText().startsWith("add table inet heroa_0123456789ab\ndelete table inet heroa_0123456789ab\n"));
        assertEquals("link delete dev h0123450003\nnetns delete heroa-0123456789ab-old1\nnetns delete heroa-0123456789ab-old2\n", lastBatch());
    }

    @Test
    void startRefusesWithoutPrivileges() {
        kernel.privileged = false;
        KernelTaskNetworks networks = new KernelTaskNetworks(NetworkSettings.defaults("0123456789ab"), commands, Nftables.create(commands), kernel);

        assertThrows(TaskNetworkException.class, networks::start);
        assertEquals(List.of(), commands.commands(), "nothing was changed");
        assertFalse(kernel.forwarding);
    }

    @Test
    void refusesKeysThatCouldEscapeTheNamespaceName() {
        KernelTaskNetworks networks = networks();
        for (String key : List.of("", "../etc", "Task1", "a b", "x".repeat(42))) {
            assertThrows(IllegalArgumentException.class, () -> networks.prepare(key, PLAN), key);
        }
        assertEquals(List.of(), commands.commands());
    }

    private String lastBatch() {
        List<Command> batches = commands.commands().stream().filter(command -> command.argv().contains("-batch")).toList();
        return batches.get(batches.size() - 1).stdinText();
    }

    private static final class FakeKernel implements HostKernel {
        boolean privileged = true;
        boolean forwarding;

        @Override
        public void requirePrivileges() {
            if (!privileged) {
                throw new TaskNetworkException("task networks need root");
            }
        }

        @Override
        public void enableForwarding() {
            forwarding = true;
        }
    }
}
