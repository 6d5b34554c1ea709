package ca.heroa.residency.plan;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** The outcome of planning a task's egress: a plan, or every refused endpoint. */
public sealed interface PlanResult {
    record Planned(EgressPlan plan) implements PlanResult {
        public Planned {
            requireNonNull(plan, "plan is null");
        }
    }

    record Refused(List<Refusal> refusals) implements PlanResult {
        public Refused {
            refusals = List.copyOf(refusals);
            if (refusals.isEmpty()) {
                throw new IllegalArgumentException("a refused plan lists at least one refusal");
            }
        }
    }
}
