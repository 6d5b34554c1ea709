package ca.heroa.residency.nft;

import ca.heroa.residency.process.HostCommands;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The kernel firewall: applies rulesets rendered by {@link NftRuleset} and reads a task's counters. The real
 * implementation runs {@code nft} through {@link HostCommands}, which tests fake.
 */
public interface Nftables {
    /**
     * Applies {@code ruleset} as one transaction ({@code nft -f -}), in the network namespace mounted at {@code netns}
     * or, when empty, in the appliance's own. Either all of it takes effect or none of it does.
     *
     * @throws NftablesException when nft refuses it or cannot be run
     */
    void apply(Optional<Path> netns, String ruleset);

    /**
     * The counters of the task table ({@link NftRuleset#TASK_TABLE}) in the network namespace mounted at {@code netns}.
     *
     * @throws NftablesException when they cannot be read (no such namespace or table, unreadable output)
     */
    EgressCounters counters(Path netns);

    static Nftables create(HostCommands commands) {
        return new ProcessNftables(commands);
    }
}
