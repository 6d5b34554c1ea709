package ca.heroa.residency.nft;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.plan.PlannedRule;
import ca.heroa.residency.plan.PortRange;
import ca.heroa.residency.plan.Protocol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NftRulesetTest {
    static final EgressPlan PLAN = new EgressPlan(List.of(
            new PlannedRule(Cidr.parse("198.51.100.10"), Protocol.TCP, List.of(PortRange.of(443)), "api.example.ca"),
            new PlannedRule(Cidr.parse("2001:db8:ca::10"), Protocol.TCP, List.of(PortRange.of(443), new PortRange(8000, 8100)), "api.example.ca"),
            new PlannedRule(Cidr.parse("198.51.100.0/28"), Protocol.UDP, List.of(PortRange.of(5353)), "198.51.100.0/28"),
            new PlannedRule(Cidr.parse("2001:db8:ca:100::/56"), Protocol.UDP, List.of(new PortRange(6000, 6010), PortRange.of(7000)),
                    "2001:db8:ca:100::/56")),
            List.of());
    static final HostWall WALL = new HostWall("0123456789ab", "h012345", Cidr.parse("10.213.0.0/16"), Cidr.parse("fd68:6572:6f61::/48"));

    @Test
    void taskRulesetAllowsExactlyThePlannedTuplesAndCountsEverything() {
        assertEquals("""
                create table inet heroa_task
                table inet heroa_task {
                \tcounter allowed_out {
                \t}
                \tcounter allowed_in {
                \t}
                \tcounter blocked_out {
                \t}
                \tcounter blocked_in {
                \t}

                \tchain output {
                \t\ttype filter hook output priority filter; policy drop;
                \t\toifname "lo" accept
                \t\texthdr rt exists counter name "blocked_out" drop
                \t\tct state established,related counter name "allowed_out" accept
                \t\tip daddr 198.51.100.10 tcp dport { 443 } ct state new counter name "allowed_out" accept
                \t\tip6 daddr 2001:db8:ca::10 tcp dport { 443, 8000-8100 } ct state new counter name "allowed_out" accept
                \t\tip daddr 198.51.100.0/28 udp dport { 5353 } ct state new counter name "allowed_out" accept
                \t\tip6 daddr 2001:db8:ca:100::/56 udp dport { 6000-6010, 7000 } ct state new counter name "allowed_out" accept
                \t\tcounter name "blocked_out" drop
                \t}

                \tchain input {
                \t\ttype filter hook input priority filter; policy drop;
                \t\tiifname "lo" accept
                \t\tct state established,related counter name "allowed_in" accept
                \t\tcounter name "blocked_in" drop
                \t}

                \tchain forward {
                \t\ttype filter hook forward priority filter; policy drop;
                \t}
                }
                """, NftRuleset.task(PLAN));
    }

    @Test
    void theReplacingFormIsTheSameTableAfterAnAddAndADelete() {
        String created = NftRuleset.task(PLAN);
        assertEquals("add table inet heroa_task\ndelete table inet heroa_task\n" + created.substring(created.indexOf('\n') + 1),
                NftRuleset.taskReplacing(PLAN));
    }

    @Test
    void emptyPlanAllowsOnlyLoopback() {
        String text = NftRuleset.task(EgressPlan.none());
        assertEquals("""
                \tchain output {
                \t\ttype filter hook output priority filter; policy drop;
                \t\toifname "lo" accept
                \t\texthdr rt exists counter name "blocked_out" drop
                \t\tct state established,related counter name "allowed_out" accept
                \t\tcounter name "blocked_out" drop
                \t}
                """, text.substring(text.indexOf("\tchain output"), text.indexOf("\tchain input") - 1));
    }

    @Test
    void hostWallBaseSendsTaskInterfacesToTheirChainsAndKeepsThemFromTheHost() {
        assertEquals("""
                add table inet heroa_0123456789ab
                delete table inet heroa_0123456789ab
                table inet heroa_0123456789ab {
                \tmap task_chains {
                \t\ttype ifname : verdict
                \t}

                \tchain forward {
                \t\ttype filter hook forward priority filter - 1; policy accept;
                \t\tiifname "h012345*" ip daddr 10.213.0.0/16 counter drop
                \t\tiifname "h012345*" ip6 daddr fd68:6572:6f61::/48 counter drop
                \t\tiifname "h012345*" iifname vmap @task_chains
                \t\tiifname "h012345*" counter drop
                \t\toifname "h012345*" ct state established,related accept
                \t\toifname "h012345*" counter drop
                \t}

                \tchain input {
                \t\ttype filter hook input priority filter - 1; policy accept;
                \t\tiifname "h012345*" ip daddr 10.213.0.0/16 counter drop
                \t\tiifname "h012345*" ip6 daddr fd68:6572:6f61::/48 counter drop
                \t\tiifname "h012345*" iifname vmap @task_chains
                \t\tiifname "h012345*" counter drop
                \t}

                \tchain postrouting {
                \t\ttype nat hook postrouting priority srcnat; policy accept;
                \t\tip saddr 10.213.0.0/16 oifname != "h012345*" masquerade
                \t\tip6 saddr fd68:6572:6f61::/48 oifname != "h012345*" masquerade
                \t}
                }
                """, NftRuleset.hostWall(WALL));
    }

    @Test
    void hostWallTaskEntryAllowsThePlanFromTheTaskAddressesOnly() {
        assertEquals("""
                add chain inet heroa_0123456789ab task_h0123450007
                flush chain inet heroa_0123456789ab task_h0123450007
                add rule inet heroa_0123456789ab task_h0123450007 exthdr rt exists drop
                add rule inet heroa_0123456789ab task_h0123450007 ct state new ct count over 1024 drop
                add rule inet heroa_0123456789ab task_h0123450007 ip saddr 10.213.0.30 ip daddr 198.51.100.10 tcp dport { 443 } ct state new accept
                add rule inet heroa_0123456789ab task_h0123450007 ip6 saddr fd68:6572:6f61:7::2 ip6 daddr 2001:db8:ca::10 tcp dport { 443, 8000-8100 } \
                ct state new accept
                add rule inet heroa_0123456789ab task_h0123450007 ip saddr 10.213.0.30 ip daddr 198.51.100.0/28 udp dport { 5353 } ct state new accept
                add rule inet heroa_0123456789ab task_h0123450007 ip6 saddr fd68:6572:6f61:7::2 ip6 daddr 2001:db8:ca:100::/56 \
                udp dport { 6000-6010, 7000 } ct state new accept
                add rule inet heroa_0123456789ab task_h0123450007 ct state established,related accept
                add element inet heroa_0123456789ab task_chains { "h0123450007" : jump task_h0123450007 }
                """, NftRuleset.hostWallAddTask(WALL, "h0123450007", Cidr.parseAddress("10.213.0.30"),
                Cidr.parseAddress("fd68:6572:6f61:7::2"), PLAN));
    }

    @Test
    void hostWallTaskRemovalSucceedsWhetherOrNotTheEntryExists() {
        assertEquals("""
                add chain inet heroa_0123456789ab task_h0123450007
                add element inet heroa_0123456789ab task_chains { "h0123450007" : jump task_h0123450007 }
                delete element inet heroa_0123456789ab task_chains { "h0123450007" }
                flush chain inet heroa_0123456789ab task_h0123450007
                delete chain inet heroa_0123456789ab task_h0123450007
                """, NftRuleset.hostWallRemoveTask(WALL, "h0123450007"));
    }

    @Test
    void refusesInterfaceNamesOutsideTheAppliancePrefixOrThatCouldInjectRules() {
        assertThrows(IllegalArgumentException.class, () -> NftRuleset.hostWallRemoveTask(WALL, "eth0"));
        assertThrows(IllegalArgumentException.class, () -> NftRuleset.hostWallRemoveTask(WALL, "h012345\" accept"));
        assertThrows(IllegalArgumentException.class, () -> NftRuleset.hostWallRemoveTask(WALL, "h0123450000000000"));
        assertThrows(IllegalArgumentException.class, () -> NftRuleset.hostWallAddTask(WALL, "h0123450001",
                Cidr.parseAddress("fd68::2"), Cidr.parseAddress("10.213.0.2"), PLAN));
    }

    @Test
    void refusesOversizedPlans() {
        List<PlannedRule> rules = new ArrayList<>();
        for (int i = 0; i <= NftRuleset.MAX_RULES; i++) {
            rules.add(new PlannedRule(Cidr.parse("198.51.100.10"), Protocol.TCP, List.of(PortRange.of(1 + i)), "x"));
        }
        assertThrows(IllegalArgumentException.class, () -> NftRuleset.task(new EgressPlan(rules, List.of())));
    }
}
