package ca.heroa.residency.nft;

import ca.heroa.residency.process.Command;
import ca.heroa.residency.process.CommandResult;
import ca.heroa.residency.process.HostCommandException;
import ca.heroa.residency.process.HostCommands;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** {@code nft} run through {@link HostCommands}; inside a namespace through {@code nsenter --net=<path>}. */
final class ProcessNftables implements Nftables {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** A ruleset this short is quoted in an error; a longer one never is (nft's message quotes the failing line). */
    private static final int QUOTED_RULESET = 300;
    private static final int QUOTED_STDERR = 2_000;

    private final HostCommands commands;

    ProcessNftables(HostCommands commands) {
        this.commands = requireNonNull(commands, "commands is null");
    }

    @Override
    public void apply(Optional<Path> netns, String ruleset) {
        requireNonNull(netns, "netns is null");
        requireNonNull(ruleset, "ruleset is null");
        CommandResult result = run(new Command(argv(netns, "-f", "-"), ruleset.getBytes(StandardCharsets.UTF_8), TIMEOUT), netns);
        if (!result.succeeded()) {
            throw new NftablesException("nft refused the ruleset" + where(netns) + " (exit " + result.exitCode() + "): "
                    + result.stderrExcerpt(QUOTED_STDERR) + (ruleset.length() <= QUOTED_RULESET ? "; ruleset: " + ruleset.strip() : ""));
        }
    }

    @Override
    public EgressCounters counters(Path netns) {
        requireNonNull(netns, "netns is null");
        Optional<Path> namespace = Optional.of(netns);
        CommandResult result = run(new Command(argv(namespace, "-j", "list", "counters", "table", "inet", NftRuleset.TASK_TABLE),
                new byte[0], TIMEOUT), namespace);
        if (!result.succeeded()) {
            throw new NftablesException("nft could not list the task counters" + where(namespace) + " (exit " + result.exitCode() + "): "
                    + result.stderrExcerpt(QUOTED_STDERR));
        }
        return CounterJson.parse(result.stdout());
    }

    private CommandResult run(Command command, Optional<Path> netns) {
        try {
            return commands.run(command);
        } catch (HostCommandException e) {
            throw new NftablesException("nft could not be run" + where(netns) + ": " + e.getMessage(), e);
        }
    }

    static List<String> argv(Optional<Path> netns, String... arguments) {
        List<String> argv = new ArrayList<>();
        netns.ifPresent(path -> argv.addAll(List.of("nsenter", "--net=" + path, "--")));
        argv.add("nft");
        argv.addAll(List.of(arguments));
        return argv;
    }

    private static String where(Optional<Path> netns) {
        return netns.map(path -> " in network namespace " + path).orElse("");
    }
}
