package ca.heroa.appliance.task;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.nft.EgressCounters;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.plan.PinnedHost;
import ca.heroa.residency.plan.PlannedRule;
import ca.heroa.residency.plan.PortRange;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/** A task's egress in its audit entries: the plan when it is accepted, the kernel's counters when it ends. */
final class EgressDetails {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EgressDetails() {
    }

    /** {@code egressPlan}: a JSON array of {to, protocol, ports, declaredAs}; "[]" is no network at all. */
    static Map<String, String> plan(EgressPlan plan) {
        ArrayNode rules = JSON.createArrayNode();
        for (PlannedRule rule : plan.rules()) {
            ObjectNode item = rules.addObject();
            item.put("to", rule.destination().toString());
            item.put("protocol", rule.protocol().value());
            ArrayNode ports = item.putArray("ports");
            rule.ports().stream().map(PortRange::toString).forEach(ports::add);
            item.put("declaredAs", rule.declaredAs());
        }
        return Map.of("egressPlan", text(rules));
    }

    /** The lines of the task's /etc/hosts: localhost, then each pinned name with the addresses it resolved to. */
    static String hosts(EgressPlan plan) {
        StringBuilder hosts = new StringBuilder("# Written by the Heroa appliance: the names this task may reach, resolved once when it was accepted.\n")
                .append("127.0.0.1\tlocalhost\n::1\tlocalhost\n");
        for (PinnedHost host : plan.hosts()) {
            host.addresses().forEach(address -> hosts.append(Cidr.text(address)).append('\t').append(host.name()).append('\n'));
        }
        return hosts.toString();
    }

    /** Allowed and blocked packets and bytes, out of and into the task, as its firewall counted them. */
    static Map<String, String> counters(EgressCounters counters) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("egressAllowedOutPackets", Long.toString(counters.allowedOut().packets()));
        details.put("egressAllowedOutBytes", Long.toString(counters.allowedOut().bytes()));
        details.put("egressAllowedInPackets", Long.toString(counters.allowedIn().packets()));
        details.put("egressAllowedInBytes", Long.toString(counters.allowedIn().bytes()));
        details.put("egressBlockedOutPackets", Long.toString(counters.blockedOut().packets()));
        details.put("egressBlockedOutBytes", Long.toString(counters.blockedOut().bytes()));
        details.put("egressBlockedInPackets", Long.toString(counters.blockedIn().packets()));
        details.put("egressBlockedInBytes", Long.toString(counters.blockedIn().bytes()));
        return details;
    }

    private static String text(ArrayNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("a tree of strings always serialises", impossible);
        }
    }
}
