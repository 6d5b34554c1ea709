package ca.heroa.appliance.testing;

import ca.heroa.appliance.egress.OutboundGate;
import ca.heroa.residency.HostAddresses;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.country.CountryRanges;
import ca.heroa.residency.country.DatasetFile;
import ca.heroa.residency.country.DatasetSource;
import ca.heroa.residency.plan.EgressPlanner;
import ca.heroa.residency.plan.SiteAllowances;
import ca.heroa.residency.plan.SystemResolver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The test lab's residency: 198.51.100.0/24 and 2001:db8:ca::/48 are "Canadian", 203.0.113.0/24 and 2001:db8:99::/48 are not. */
public final class TestResidency {
    public static final String LICENCE = "lab ranges: documentation addresses labelled for tests";
    public static final Path LAB_RANGES = Path.of("src/test/resources/residency/lab-ranges.csv").toAbsolutePath();

    private TestResidency() {
    }

    /** Configuration keys that point an appliance at the lab dataset. */
    public static Map<String, String> config() {
        return Map.of("heroa.egress.dataset.version", "lab", "heroa.egress.dataset.files.0.path", LAB_RANGES.toString(),
                "heroa.egress.dataset.licence", LICENCE);
    }

    public static ResidencyGuard guard() {
        return ResidencyGuard.create(CountryRanges.load(new DatasetSource("lab", List.of(new DatasetFile(LAB_RANGES, Optional.empty())))), List.of(),
                HostAddresses.system());
    }

    /** A planner for the lab with {@code site} and the host's resolver. */
    public static EgressPlanner planner(SiteAllowances site) {
        return new EgressPlanner(guard(), site, new SystemResolver(Duration.ofSeconds(2)), List.of());
    }

    /** The gate tests pass to their own databases (on loopback, so always approved). */
    public static OutboundGate gate() {
        return new OutboundGate(TestResidency::guard, new SystemResolver(Duration.ofSeconds(2)));
    }
}
