package ca.heroa.appliance.egress;

import ca.heroa.residency.HostAddresses;
import ca.heroa.residency.ResidencyGuard;
import ca.heroa.residency.country.CountryRanges;
import ca.heroa.residency.plan.HostsFileResolver;
import ca.heroa.residency.plan.Resolver;
import ca.heroa.residency.plan.SystemResolver;

import java.lang.System.Logger.Level;

/** Builds this site's residency guard (dataset, attested endpoints, host addresses) and resolver from its settings. */
public final class SiteResidency {
    private static final System.Logger LOG = System.getLogger(SiteResidency.class.getName());

    private SiteResidency() {
    }

    /** Loads the dataset (checking each file's pinned SHA-256): the appliance does not start without it. */
    public static ResidencyGuard guard(EgressSettings settings) {
        long started = System.nanoTime();
        CountryRanges ranges = CountryRanges.load(settings.dataset());
        LOG.log(Level.INFO, () -> "country ranges " + ranges.dataset().version() + " loaded: " + ranges.dataset().ipv4Ranges() + " IPv4 and "
                + ranges.dataset().ipv6Ranges() + " IPv6 ranges in " + (System.nanoTime() - started) / 1_000_000 + " ms");
        return ResidencyGuard.create(ranges, settings.attested(), HostAddresses.system());
    }

    /** How tasks' destination names resolve: the operator's hosts file when there is one, else the host's resolver. */
    public static Resolver resolver(EgressSettings settings) {
        return settings.hostsFile().<Resolver>map(HostsFileResolver::new).orElseGet(() -> systemResolver(settings));
    }

    /** How the appliance's own destinations (its database) resolve: the host's resolver, as the JDBC driver will. */
    public static Resolver systemResolver(EgressSettings settings) {
        return new SystemResolver(settings.resolveTimeout());
    }
}
