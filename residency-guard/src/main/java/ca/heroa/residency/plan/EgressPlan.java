package ca.heroa.residency.plan;

import java.util.List;

/**
 * What one task may reach: the allowed (block, protocol, ports) tuples, every address of which passed the residency
 * guard, and the host names pinned in its {@code /etc/hosts}. An empty plan allows nothing.
 */
public record EgressPlan(List<PlannedRule> rules, List<PinnedHost> hosts) {
    private static final EgressPlan NONE = new EgressPlan(List.of(), List.of());

    public EgressPlan {
        rules = List.copyOf(rules);
        hosts = List.copyOf(hosts);
    }

    public static EgressPlan none() {
        return NONE;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }
}
