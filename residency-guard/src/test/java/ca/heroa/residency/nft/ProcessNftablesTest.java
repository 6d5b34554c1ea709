package ca.heroa.residency.nft;

import ca.heroa.residency.process.Command;
import ca.heroa.residency.process.FakeHostCommands;
import ca.heroa.residency.process.HostCommandException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static ca.heroa.residency.process.FakeHostCommands.argumentsContain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessNftablesTest {
    private static final Path NETNS = Path.of("/run/netns/heroa-0123456789ab-task1");

    @Test
    void appliesInsideANamespaceThroughNsenterWithTheRulesetOnStandardInput() {
        FakeHostCommands commands = new FakeHostCommands();
        String ruleset = NftRuleset.task(NftRulesetTest.PLAN);

        Nftables.create(commands).apply(Optional.of(NETNS), ruleset);
        Nftables.create(commands).apply(Optional.empty(), "add table inet heroa_0123456789ab\n");

        List<Command> ran = commands.commands();
        assertEquals(List.of("nsenter", "--net=" + NETNS, "--", "nft", "-f", "-"), ran.get(0).argv());
        assertEquals(ruleset, ran.get(0).stdinText());
        assertEquals(List.of("nft", "-f", "-"), ran.get(1).argv());
    }

    @Test
    void aRefusedRulesetThrowsWithNftsMessageButNotALongRuleset() {
        FakeHostCommands commands = new FakeHostCommands()
                .when(argumentsContain("nft -f -"), FakeHostCommands.failure(1, "/dev/stdin:17:1-5: Error: syntax error, unexpected bogus\n"));
        String ruleset = NftRuleset.task(NftRulesetTest.PLAN);

        NftablesException refused = assertThrows(NftablesException.class,
                () -> Nftables.create(commands).apply(Optional.of(NETNS), ruleset));

        assertTrue(refused.getMessage().contains("unexpected bogus"), refused.getMessage());
        assertTrue(refused.getMessage().contains(NETNS.toString()), refused.getMessage());
        assertFalse(refused.getMessage().contains("198.51.100.10"), "a long ruleset is not quoted: " + refused.getMessage());
    }

    @Test
    void nftThatCannotBeRunIsAnNftablesException() {
        FakeHostCommands commands = new FakeHostCommands().answer(command -> true, command -> {
            throw new HostCommandException("nft did not end within PT30S; it was killed with its descendants");
        });

        NftablesException failure = assertThrows(NftablesException.class, () -> Nftables.create(commands).apply(Optional.empty(), "x"));
        assertTrue(failure.getMessage().contains("did not end"), failure.getMessage());
    }

    @Test
    void readsTheTaskCountersFromRealNftJsonOutput() throws IOException {
        FakeHostCommands commands = new FakeHostCommands().when(argumentsContain("list counters"), FakeHostCommands.success(fixture()));

        EgressCounters counters = Nftables.create(commands).counters(NETNS);

        assertEquals(new EgressCounters(new PacketCount(1, 60), PacketCount.ZERO, new PacketCount(12, 872), PacketCount.ZERO), counters);
        assertEquals(List.of("nsenter", "--net=" + NETNS, "--", "nft", "-j", "list", "counters", "table", "inet", "heroa_task"),
                commands.commands().get(0).argv());
    }

    @Test
    void unreadableCountersAreAnNftablesException() {
        assertThrows(NftablesException.class, () -> CounterJson.parse("{\"nftables\": [ {\"counter\": "));
        assertThrows(NftablesException.class, () -> CounterJson.parse("{\"nftables\": []}"));
        assertThrows(NftablesException.class, () -> CounterJson.parse("{\"nftables\": [{\"counter\": {\"family\": \"inet\", "
                + "\"table\": \"heroa_task\", \"name\": \"allowed_out\", \"packets\": -1, \"bytes\": 0}}]}"));
        assertThrows(NftablesException.class, () -> CounterJson.parse(" ".repeat(CounterJson.MAX_INPUT + 1)));
        assertThrows(NftablesException.class, () -> CounterJson.parse("[".repeat(100)));
        FakeHostCommands missingTable = new FakeHostCommands()
                .when(argumentsContain("list counters"), FakeHostCommands.failure(1, "Error: No such file or directory"));
        assertThrows(NftablesException.class, () -> Nftables.create(missingTable).counters(NETNS));
    }

    @Test
    void countersOfOtherTablesAreIgnored() throws IOException {
        String json = fixture().replace("[{\"metainfo\"", "[{\"counter\": {\"family\": \"inet\", \"name\": \"allowed_out\", "
                + "\"table\": \"other\", \"handle\": 9, \"packets\": 99, \"bytes\": 99}}, {\"metainfo\"");
        assertEquals(new PacketCount(1, 60), CounterJson.parse(json).allowedOut());
    }

    @Test
    void countersAddUpWithoutOverflowing() {
        EgressCounters one = new EgressCounters(new PacketCount(1, 10), new PacketCount(2, 20), new PacketCount(3, 30), new PacketCount(4, 40));
        assertEquals(new EgressCounters(new PacketCount(2, 20), new PacketCount(4, 40), new PacketCount(6, 60), new PacketCount(8, 80)),
                one.plus(one));
        assertEquals(one, EgressCounters.ZERO.plus(one));
        assertEquals(Long.MAX_VALUE, new PacketCount(Long.MAX_VALUE, 0).plus(new PacketCount(1, 0)).packets());
    }

    private static String fixture() throws IOException {
        try (InputStream in = ProcessNftablesTest.class.getResourceAsStream("counters-nft-1.0.6.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
