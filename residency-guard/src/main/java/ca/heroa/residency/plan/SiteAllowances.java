package ca.heroa.residency.plan;

import java.util.List;

/**
 * What the operator allows tasks to reach at this site, declared at deploy time. The default site allows nothing, so
 * no template gets any egress until the operator opens it.
 */
public record SiteAllowances(List<Allowance> allowances) {
    public static final int MAX_ALLOWANCES = 1_000;

    public SiteAllowances {
        allowances = List.copyOf(allowances);
        if (allowances.size() > MAX_ALLOWANCES) {
            throw new IllegalArgumentException("a site declares at most " + MAX_ALLOWANCES + " allowances");
        }
    }

    public static SiteAllowances none() {
        return new SiteAllowances(List.of());
    }
}
