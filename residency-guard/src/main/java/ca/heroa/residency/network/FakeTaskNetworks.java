package ca.heroa.residency.network;

import ca.heroa.residency.nft.EgressCounters;
import ca.heroa.residency.plan.EgressPlan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A hand-written {@link TaskNetworks} for tests: keeps prepared networks in memory (no namespace is made), can be told
 * to fail the next prepares (as a ruleset nft refuses would), and returns counters set by the test at release.
 * Thread-safe.
 */
public final class FakeTaskNetworks implements TaskNetworks {
    /** One prepare call and its plan. */
    public record Prepared(String key, EgressPlan plan, TaskNetwork network) {
        public Prepared {
            requireNonNull(key, "key is null");
            requireNonNull(plan, "plan is null");
            requireNonNull(network, "network is null");
        }
    }

    private final List<Prepared> prepared = new ArrayList<>();
    private final Map<String, TaskNetwork> active = new HashMap<>();
    private final List<TaskNetwork> released = new ArrayList<>();
    private EgressCounters counters = EgressCounters.ZERO;
    private Optional<String> failure = Optional.empty();
    private boolean started;

    @Override
    public synchronized void start() {
        started = true;
        active.clear();
    }

    @Override
    public synchronized TaskNetwork prepare(String key, EgressPlan plan) {
        requireNonNull(key, "key is null");
        requireNonNull(plan, "plan is null");
        if (failure.isPresent()) {
            throw new TaskNetworkException(failure.get());
        }
        String name = "heroa-fake-" + key;
        TaskNetwork network = new TaskNetwork(name, Path.of("/run/netns", name), Optional.empty());
        prepared.add(new Prepared(key, plan, network));
        active.put(name, network);
        return network;
    }

    @Override
    public synchronized EgressCounters release(TaskNetwork network) {
        if (active.remove(network.name()) == null) {
            return EgressCounters.ZERO;
        }
        released.add(network);
        return counters;
    }

    @Override
    public synchronized Optional<EgressCounters> counters(TaskNetwork network) {
        return active.containsKey(network.name()) ? Optional.of(counters) : Optional.empty();
    }

    @Override
    public synchronized void close() {
        released.addAll(active.values());
        active.clear();
        started = false;
    }

    /** Makes every following prepare fail with {@code message} (simulating a ruleset the kernel refuses). */
    public synchronized FakeTaskNetworks failPrepare(String message) {
        failure = Optional.of(requireNonNull(message, "message is null"));
        return this;
    }

    public synchronized FakeTaskNetworks succeedPrepare() {
        failure = Optional.empty();
        return this;
    }

    /** The counters every release returns from now on. */
    public synchronized FakeTaskNetworks countersAtRelease(EgressCounters value) {
        counters = requireNonNull(value, "value is null");
        return this;
    }

    public synchronized boolean started() {
        return started;
    }

    public synchronized List<Prepared> prepared() {
        return List.copyOf(prepared);
    }

    /** Networks prepared and not yet released. */
    public synchronized List<TaskNetwork> active() {
        return List.copyOf(active.values());
    }

    public synchronized List<TaskNetwork> released() {
        return List.copyOf(released);
    }
}
