package ca.heroa.residency.network;

import ca.heroa.residency.nft.EgressCounters;
import ca.heroa.residency.nft.Nftables;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.process.HostCommands;

import java.util.Optional;

/**
 * Per-task network namespaces with their rulesets, and the host wall around them. The appliance calls {@link #start()}
 * once, then {@link #prepare} before creating a task's container and {@link #release} after removing it. Its tests
 * run it on fake host commands (no root needed) and for real in namespaces.
 */
public interface TaskNetworks extends AutoCloseable {
    /**
     * Enables forwarding, installs the host wall (replacing any previous one: every leftover task entry is gone) and
     * deletes this appliance's leftover namespaces and task interfaces.
     *
     * @throws TaskNetworkException when the appliance lacks the privileges or the wall cannot be installed
     */
    void start();

    /**
     * Creates the namespace {@code heroa-<applianceId>-<key>} and installs the ruleset for {@code plan} in it before any
     * link exists; then, when the plan allows anything, links it to the host and adds its entry to the host wall.
     * Either all of that is done or none of it remains.
     *
     * @param key the caller's unique name for the task: 1 to 41 lower-case letters, digits and hyphens
     * @throws TaskNetworkException when any step fails: the task must not start
     */
    TaskNetwork prepare(String key, EgressPlan plan);

    /**
     * Reads the namespace's counters, removes its host wall entry, link and namespace. Best effort and idempotent: a
     * failing step is logged and the next one runs; a second call does nothing.
     *
     * @return the counters read, {@link EgressCounters#ZERO} when they could not be read (logged) or already released
     */
    EgressCounters release(TaskNetwork network);

    /** As {@link #release}, without reading the counters: for a caller that read them already with {@link #counters}. */
    void discard(TaskNetwork network);

    /**
     * Reads the namespace's counters without releasing it, so a caller can record them and release in the background.
     *
     * @return the counters; empty when they could not be read (logged), which the audit entry then says
     */
    Optional<EgressCounters> counters(TaskNetwork network);

    /** At shutdown: removes every namespace and link of this appliance and its host wall table. Best effort, logged. */
    @Override
    void close();

    /** The real task networks, running {@code ip}, {@code nsenter} and {@code nft} through {@code commands}. */
    static TaskNetworks create(NetworkSettings settings, HostCommands commands) {
        return new KernelTaskNetworks(settings, commands, Nftables.create(commands), new ProcHostKernel());
    }
}
