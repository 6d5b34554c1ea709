package ca.heroa.appliance;

import ca.heroa.appliance.persistence.GroupCommitLog;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Metrics;

/**
 * Audit writer metrics on the admin socket: entries written, operations per commit, and operations refused
 * because their audit entry could not be written (each of those was answered 503).
 */
final class AuditMetrics implements GroupCommitLog.Observer {
    private final Counter entries;
    private final Counter refused;
    private final DistributionSummary batchSize;

    AuditMetrics() {
        MeterRegistry registry = Metrics.globalRegistry();
        this.entries = registry.getOrCreate(Counter.builder("heroa.audit.entries")
                .description("Audit entries written to the hash chain"));
        this.refused = registry.getOrCreate(Counter.builder("heroa.audit.refused")
                .description("Operations refused because their audit entry could not be written"));
        this.batchSize = registry.getOrCreate(DistributionSummary.builder("heroa.audit.batch.size")
                .description("Operations committed together by the audit writer"));
    }

    @Override
    public void committed(int operations, int written) {
        entries.increment(written);
        batchSize.record(operations);
    }

    @Override
    public void refused(int operations) {
        refused.increment(operations);
    }
}
