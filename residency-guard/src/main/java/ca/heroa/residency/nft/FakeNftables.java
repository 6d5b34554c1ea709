package ca.heroa.residency.nft;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A hand-written {@link Nftables} for tests: records what was applied where, can be told to refuse rulesets (as nft
 * would), and answers counters set by the test (zero otherwise). Thread-safe.
 */
public final class FakeNftables implements Nftables {
    /** One ruleset applied; {@code netns} empty for the host's namespace. */
    public record Applied(Optional<Path> netns, String ruleset) {
        public Applied {
            requireNonNull(netns, "netns is null");
            requireNonNull(ruleset, "ruleset is null");
        }
    }

    private final List<Applied> applied = new ArrayList<>();
    private final Map<Path, EgressCounters> counters = new HashMap<>();
    private String refusal = "";

    @Override
    public synchronized void apply(Optional<Path> netns, String ruleset) {
        if (!refusal.isEmpty() && ruleset.contains(refusal)) {
            throw new NftablesException("nft refused the ruleset (simulated): contains " + refusal);
        }
        applied.add(new Applied(netns, ruleset));
    }

    @Override
    public synchronized EgressCounters counters(Path netns) {
        return counters.getOrDefault(netns, EgressCounters.ZERO);
    }

    /** Refuses (throws {@link NftablesException}) every ruleset containing {@code text}; the empty text refuses none. */
    public synchronized FakeNftables refuseContaining(String text) {
        this.refusal = requireNonNull(text, "text is null");
        return this;
    }

    public synchronized FakeNftables counters(Path netns, EgressCounters value) {
        counters.put(netns, value);
        return this;
    }

    public synchronized List<Applied> applied() {
        return List.copyOf(applied);
    }
}
