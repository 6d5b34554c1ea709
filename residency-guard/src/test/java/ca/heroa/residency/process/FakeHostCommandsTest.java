package ca.heroa.residency.process;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FakeHostCommandsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    @Test
    void recordsCommandsAndAnswersFromTheNewestMatchingRule() {
        FakeHostCommands fake = new FakeHostCommands()
                .once(FakeHostCommands.argumentsContain("netns add"), FakeHostCommands.failure(2, "File exists"))
                .when(FakeHostCommands.inputContains("table"), FakeHostCommands.success("ok"));

        assertEquals(2, fake.run(Command.of(TIMEOUT, "ip", "netns", "add", "x")).exitCode());
        assertEquals(0, fake.run(Command.of(TIMEOUT, "ip", "netns", "add", "x")).exitCode(), "a once rule answers once");
        assertEquals("ok", fake.run(Command.withInput(TIMEOUT, "table inet t {}", "nft", "-f", "-")).stdout());
        fake.when(FakeHostCommands.inputContains("table"), FakeHostCommands.failure(1, "overridden"));
        assertEquals("overridden", fake.run(Command.withInput(TIMEOUT, "table inet t {}", "nft", "-f", "-")).stderr());
        assertEquals(List.of("ip", "ip", "nft", "nft"), fake.commands().stream().map(Command::program).toList());
    }
}
