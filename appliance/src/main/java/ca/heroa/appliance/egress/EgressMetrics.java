package ca.heroa.appliance.egress;

import ca.heroa.residency.nft.EgressCounters;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;

/**
 * Totals of what tasks' firewalls counted, on the admin socket: packets and bytes allowed and blocked, in and out, read
 * from each task's kernel counters at teardown; plans refused at admission; networks that could not be prepared.
 */
public final class EgressMetrics {
    private final Counter allowedPackets;
    private final Counter allowedBytes;
    private final Counter blockedPackets;
    private final Counter blockedBytes;
    private final Counter refusedPlans;
    private final Counter setupFailures;

    public EgressMetrics() {
        MeterRegistry registry = Metrics.globalRegistry();
        this.allowedPackets = counter(registry, "heroa.egress.allowed.packets", "Packets tasks' firewalls allowed (out and in)");
        this.allowedBytes = counter(registry, "heroa.egress.allowed.bytes", "Bytes tasks' firewalls allowed (out and in)");
        this.blockedPackets = counter(registry, "heroa.egress.blocked.packets", "Packets tasks' firewalls dropped (out and in)");
        this.blockedBytes = counter(registry, "heroa.egress.blocked.bytes", "Bytes tasks' firewalls dropped (out and in)");
        this.refusedPlans = counter(registry, "heroa.egress.refused.plans", "Templates or tasks refused for their egress (422)");
        this.setupFailures = counter(registry, "heroa.egress.setup.failures", "Tasks not started because their network could not be prepared");
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return registry.getOrCreate(Counter.builder(name).description(description));
    }

    void counted(EgressCounters counters) {
        allowedPackets.increment(counters.allowedOut().packets() + counters.allowedIn().packets());
        allowedBytes.increment(counters.allowedOut().bytes() + counters.allowedIn().bytes());
        blockedPackets.increment(counters.blockedOut().packets() + counters.blockedIn().packets());
        blockedBytes.increment(counters.blockedOut().bytes() + counters.blockedIn().bytes());
    }

    void refused() {
        refusedPlans.increment();
    }

    void setupFailed() {
        setupFailures.increment();
    }

    /** Current totals, for the residency report. */
    public Totals totals() {
        return new Totals((long) allowedPackets.count(), (long) allowedBytes.count(), (long) blockedPackets.count(), (long) blockedBytes.count(),
                (long) refusedPlans.count(), (long) setupFailures.count());
    }

    /** The counters' values. */
    public record Totals(long allowedPackets, long allowedBytes, long blockedPackets, long blockedBytes, long refusedPlans, long setupFailures) {
    }
}
