package ca.heroa.residency.plan;

import ca.heroa.residency.address.Cidr;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One allowed tuple set of a task's plan: new connections (or UDP flows) to {@code destination} on {@code ports} over
 * {@code protocol}. {@code declaredAs} is the template's destination this came from (a host name or a block).
 */
public record PlannedRule(Cidr destination, Protocol protocol, List<PortRange> ports, String declaredAs) {
    public PlannedRule {
        requireNonNull(destination, "destination is null");
        requireNonNull(protocol, "protocol is null");
        ports = List.copyOf(ports);
        requireNonNull(declaredAs, "declaredAs is null");
        if (ports.isEmpty()) {
            throw new IllegalArgumentException("a planned rule names at least one port");
        }
    }
}
