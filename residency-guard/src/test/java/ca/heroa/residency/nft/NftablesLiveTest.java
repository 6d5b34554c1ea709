package ca.heroa.residency.nft;

import ca.heroa.residency.process.Command;
import ca.heroa.residency.process.CommandResult;
import ca.heroa.residency.process.HostCommandException;
import ca.heroa.residency.process.ProcessHostCommands;
import ca.heroa.residency.process.Program;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The real nft, as root, in a network namespace this test creates and deletes (no packet is sent). */
class NftablesLiveTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private ProcessHostCommands commands;
    private Nftables nftables;
    private String namespace;
    private Path netns;

    @BeforeEach
    void namespace() {
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            commands = ProcessHostCommands.create(java.util.List.of(Program.IP, Program.NFT, Program.NSENTER));
        } catch (HostCommandException missing) {
            require(false, "live nftables tests need ip, nft and nsenter: " + missing.getMessage());
        }
        require(root, "live nftables tests need root (network namespaces, nftables)");
        nftables = Nftables.create(commands);
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        namespace = "heroa-nfttest-" + HexFormat.of().formatHex(random);
        netns = Path.of("/run/netns", namespace);
        assertTrue(commands.run(Command.of(TIMEOUT, "ip", "netns", "add", namespace)).succeeded());
    }

    @AfterEach
    void deleteNamespace() {
        if (namespace != null && commands != null) {
            commands.run(Command.of(TIMEOUT, "ip", "netns", "delete", namespace));
        }
    }

    @Test
    void theTaskRulesetGoesIntoANewNamespaceOnceAndNeverOverAnother() {
        nftables.apply(Optional.of(netns), NftRuleset.task(NftRulesetTest.PLAN));
        String installed = list();

        NftablesException again = assertThrows(NftablesException.class, () -> nftables.apply(Optional.of(netns), NftRuleset.task(NftRulesetTest.PLAN)));

        assertTrue(again.getMessage().contains("File exists"), again.getMessage());
        assertEquals(installed, list(), "a refused transaction changes nothing");
        assertEquals(4, installed.lines().filter(line -> line.contains("ct state new")).count(), installed);
        assertEquals(EgressCounters.ZERO, nftables.counters(netns));
    }

    @Test
    void theReplacingFormCanBeAppliedAgainToTheSameEffect() {
        nftables.apply(Optional.of(netns), NftRuleset.task(NftRulesetTest.PLAN));
        nftables.apply(Optional.of(netns), NftRuleset.taskReplacing(NftRulesetTest.PLAN));
        String once = list();
        nftables.apply(Optional.of(netns), NftRuleset.taskReplacing(NftRulesetTest.PLAN));

        assertEquals(once, list());
        assertEquals(4, once.lines().filter(line -> line.contains("ct state new")).count(), once);
    }

    @Test
    void aRulesetNftRefusesChangesNothingAndSaysWhy() {
        String broken = NftRuleset.task(NftRulesetTest.PLAN).replace("tcp dport { 443 }", "tcp dport { 443 } bogus");

        NftablesException refused = assertThrows(NftablesException.class, () -> nftables.apply(Optional.of(netns), broken));

        assertTrue(refused.getMessage().contains("syntax error"), refused.getMessage());
        assertFalse(list().contains("heroa_task"), "nothing of a refused ruleset is installed");
        assertThrows(NftablesException.class, () -> nftables.counters(netns), "no table, no counters");
    }

    private String list() {
        CommandResult result = commands.run(Command.of(TIMEOUT, "nsenter", "--net=" + netns, "--", "nft", "list", "ruleset"));
        assertTrue(result.succeeded(), result.stderr());
        return result.stdout();
    }

    private static void require(boolean condition, String message) {
        if (condition) {
            return;
        }
        if (Boolean.parseBoolean(System.getenv("CI"))) {
            fail(message + " (CI=true: live tests are never skipped)");
        }
        Assumptions.assumeTrue(false, message);
    }
}
