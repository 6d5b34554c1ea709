package ca.heroa.appliance.egress;

import ca.heroa.residency.nft.EgressCounters;
import ca.heroa.residency.network.TaskNetwork;
import ca.heroa.residency.network.TaskNetworks;
import ca.heroa.residency.plan.Allowance;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.plan.EgressPlanner;
import ca.heroa.residency.plan.PlanResult;
import ca.heroa.residency.plan.Refusal;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Egress for the task runtime: the plan of a task when it is accepted (422 with every refused endpoint otherwise), its
 * firewalled network namespace before its container exists, and its kernel counters when it ends, added to the totals.
 */
public final class TaskEgress {
    private final EgressPlanner planner;
    private final TaskNetworks networks;
    private final EgressMetrics metrics;

    public TaskEgress(EgressPlanner planner, TaskNetworks networks, EgressMetrics metrics) {
        this.planner = requireNonNull(planner, "planner is null");
        this.networks = requireNonNull(networks, "networks is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /** Refused endpoints of a manifest's egress that are known without resolving names, for template submission. */
    public List<Refusal> checkDeclared(List<Allowance> declared) {
        List<Refusal> refused = planner.checkDeclared(declared);
        if (!refused.isEmpty()) {
            metrics.refused();
        }
        return refused;
    }

    /** The plan of a task about to be accepted: names resolved now, once. Throws the bilingual 422 if anything is refused. */
    public EgressPlan plan(List<Allowance> declared) {
        if (declared.isEmpty()) {
            return EgressPlan.none();
        }
        return switch (planner.plan(declared)) {
            case PlanResult.Planned planned -> planned.plan();
            case PlanResult.Refused refused -> {
                metrics.refused();
                throw EgressRefusals.problem(refused.refusals());
            }
        };
    }

    /** The task's network namespace, its rules applied before anything else; throws if it cannot be made whole. */
    public TaskNetwork prepare(String key, EgressPlan plan) {
        try {
            return networks.prepare(key, plan);
        } catch (RuntimeException e) {
            metrics.setupFailed();
            throw e;
        }
    }

    /**
     * What the task's firewall counted, read once its container is gone (nothing adds to them any more); the namespace
     * and its host rules are then removed in the background, off the task's response path (about 60 ms of kernel work).
     */
    public Optional<EgressCounters> release(TaskNetwork network) {
        Optional<EgressCounters> counters = networks.counters(network);
        counters.ifPresent(metrics::counted);
        Thread.ofVirtual().name("heroa-network-release").start(() -> networks.discard(network));
        return counters;
    }

    /** At shutdown: this appliance's namespaces and host wall go. */
    public void close() {
        networks.close();
    }

    /** At start, before any task: the host's wall is (re)installed and whatever a crash left is removed. */
    public void start() {
        networks.start();
    }
}
