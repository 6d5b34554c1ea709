package ca.heroa.residency.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs real, harmless programs from coreutils (present on every Debian machine). */
class ProcessHostCommandsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ProcessHostCommands COMMANDS = ProcessHostCommands.create(List.of(
            new Program("cat", "coreutils"), new Program("false", "coreutils"), new Program("ls", "coreutils"),
            new Program("head", "coreutils"), new Program("env", "coreutils"), new Program("timeout", "coreutils")));

    @Test
    void passesStandardInputAndCapturesStandardOutput() {
        CommandResult result = COMMANDS.run(Command.withInput(TIMEOUT, "table inet heroa_task {\n}\n", "cat"));

        assertEquals(new CommandResult(0, "table inet heroa_task {\n}\n", ""), result);
    }

    @Test
    void aNonZeroExitIsAResultWithItsStandardError() {
        assertEquals(1, COMMANDS.run(Command.of(TIMEOUT, "false")).exitCode());
        CommandResult missing = COMMANDS.run(Command.of(TIMEOUT, "ls", "/heroa-no-such-file"));
        assertFalse(missing.succeeded());
        assertTrue(missing.stderr().contains("heroa-no-such-file"), missing.stderr());
    }

    @Test
    void capturesAtMostOneMebibytePerStreamAndSaysSo() {
        CommandResult result = COMMANDS.run(Command.of(TIMEOUT, "head", "-c", "3000000", "/dev/zero"));

        assertEquals(0, result.exitCode(), "the program ran to its end although its output was cut");
        assertEquals(CommandResult.MAX_CAPTURE + CommandResult.TRUNCATED.length(), result.stdout().length());
        assertTrue(result.stdout().endsWith(CommandResult.TRUNCATED));
    }

    @Test
    void runsWithAFixedEnvironmentNotTheAppliances() {
        CommandResult result = COMMANDS.run(Command.of(TIMEOUT, "env"));

        assertEquals(Set.of("PATH=/usr/sbin:/sbin:/usr/bin:/bin", "LC_ALL=C"), Set.copyOf(result.stdout().lines().toList()));
    }

    @Test
    void killsTheProgramAndItsDescendantsOnTimeout() throws InterruptedException {
        // timeout(1) forks sleep as its child: both must be gone after the timeout, not only the direct child.
        String marker = "61.7" + ProcessHandle.current().pid();
        long began = System.nanoTime();

        HostCommandException timedOut = assertThrows(HostCommandException.class,
                () -> COMMANDS.run(new Command(List.of("timeout", "120", "sleep", marker), new byte[0], Duration.ofMillis(300))));

        assertTrue(timedOut.getMessage().contains("did not end within"), timedOut.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - began).compareTo(Duration.ofSeconds(10)) < 0, "the timeout was not honoured");
        Thread.sleep(200);
        assertTrue(ProcessHandle.allProcesses().noneMatch(process -> process.info().arguments()
                .map(arguments -> List.of(arguments).contains(marker)).orElse(false)), "a descendant survived the timeout");
    }

    @Test
    void runsOnlyTheProgramsItWasCreatedWith() {
        HostCommandException refused = assertThrows(HostCommandException.class, () -> COMMANDS.run(Command.of(TIMEOUT, "rm", "-rf", "/tmp/x")));
        assertTrue(refused.getMessage().contains("'rm' is not one the appliance runs"), refused.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Command.of(TIMEOUT, "/bin/cat"));
    }

    @Test
    void aMissingProgramIsNamedWithItsDebianPackage(@TempDir Path empty) {
        HostCommandException missing = assertThrows(HostCommandException.class, () -> ProcessHostCommands.create(
                List.of(new Program("cat", "coreutils"), new Program("heroa-missing", "heroa-package"), Program.NFT), List.of(empty)));

        assertTrue(missing.getMessage().contains("heroa-missing (apt-get install heroa-package)"), missing.getMessage());
        assertTrue(missing.getMessage().contains("nft (apt-get install nftables)"), missing.getMessage());
        assertTrue(missing.getMessage().contains("cat (apt-get install coreutils)"), missing.getMessage());
    }

    @Test
    void resolvesProgramsToAbsolutePathsInTheSystemDirectories() {
        Path cat = COMMANDS.path(new Program("cat", "coreutils"));
        assertTrue(cat.isAbsolute() && ProcessHostCommands.SYSTEM_DIRECTORIES.contains(cat.getParent()), cat.toString());
    }

    @Test
    void commandsNeverPrintTheirInput() {
        assertEquals("nft -f - <11 bytes on stdin>", Command.withInput(TIMEOUT, "secret-text", "nft", "-f", "-").toString());
    }
}
