package ca.heroa.residency.nft;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.plan.PlannedRule;
import ca.heroa.residency.plan.PortRange;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Renders nftables rulesets as {@code nft -f} text. Pure functions: the same input always gives the same text, and
 * every text is one transaction that can be applied again to the same effect.
 *
 * <p>Two walls. The task ruleset, in the task's own network namespace, drops everything in and out except the planned
 * (address, protocol, port) tuples, replies to them and loopback; it counts what it allows and drops. The host wall, one
 * table per appliance in the host's namespace, keeps every task interface from reaching the host itself, other tasks
 * and anything its plan does not name, even if the task ruleset were gone.
 */
public final class NftRuleset {
    /** The table of a task's ruleset, in the task's network namespace. */
    public static final String TASK_TABLE = "heroa_task";
    public static final String ALLOWED_OUT = "allowed_out";
    public static final String ALLOWED_IN = "allowed_in";
    public static final String BLOCKED_OUT = "blocked_out";
    public static final String BLOCKED_IN = "blocked_in";
    /** Far more than any reviewed template declares; a plan this large is a mistake, not a need. */
    /** Above any plan a template can make (64 allowances, each a name of at most 32 addresses: 2,048 rules). */
    public static final int MAX_RULES = 4_096;
    /** Live connections (and UDP flows) one task may have through the host at once. */
    public static final int MAX_FLOWS = 1_024;

    private static final Pattern INTERFACE_NAME = Pattern.compile("[a-z][a-z0-9]{0,14}");

    private NftRuleset() {
    }

    /**
     * The task ruleset for {@code plan}, for a namespace that has none yet (a new one): output and input policies drop;
     * loopback, replies and the planned new connections pass. ICMP and ICMPv6 pass only as replies related to an allowed
     * connection; the task link uses static neighbours, so it needs neither ARP nor neighbour discovery.
     *
     * <p>It starts with {@code create table}, so it fails, changing nothing, where the table already exists: it never
     * silently replaces or adds to another ruleset. It deletes nothing, which keeps the kernel's commit fast: a
     * transaction that deletes anything waits for an RCU grace period (about 10 ms on the test machines).
     */
    public static String task(EgressPlan plan) {
        return "create table inet " + TASK_TABLE + "\n" + taskTable(plan);
    }

    /**
     * The same ruleset as {@link #task}, replacing whatever table the namespace has ({@code add}, {@code delete}, then
     * the table, in one transaction): applying it twice gives the same result. For re-applying to a live namespace;
     * slower than {@link #task} because of the deletion.
     */
    public static String taskReplacing(EgressPlan plan) {
        return "add table inet " + TASK_TABLE + "\ndelete table inet " + TASK_TABLE + "\n" + taskTable(plan);
    }

    private static String taskTable(EgressPlan plan) {
        requireNonNull(plan, "plan is null");
        checkSize(plan);
        String table = "inet " + TASK_TABLE;
        StringBuilder text = new StringBuilder();
        text.append("table ").append(table).append(" {\n");
        for (String counter : new String[] {ALLOWED_OUT, ALLOWED_IN, BLOCKED_OUT, BLOCKED_IN}) {
            text.append("\tcounter ").append(counter).append(" {\n\t}\n");
        }
        text.append('\n');
        text.append("\tchain output {\n");
        text.append("\t\ttype filter hook output priority filter; policy drop;\n");
        text.append("\t\toifname \"lo\" accept\n");
        // An IPv6 routing header would carry the real destination past "ip6 daddr" (SRv6 through a planned host).
        text.append("\t\texthdr rt exists counter name \"").append(BLOCKED_OUT).append("\" drop\n");
        text.append("\t\tct state established,related counter name \"").append(ALLOWED_OUT).append("\" accept\n");
        for (PlannedRule rule : plan.rules()) {
            text.append("\t\t").append(match(rule)).append(" ct state new counter name \"").append(ALLOWED_OUT).append("\" accept\n");
        }
        text.append("\t\tcounter name \"").append(BLOCKED_OUT).append("\" drop\n");
        text.append("\t}\n\n");
        text.append("\tchain input {\n");
        text.append("\t\ttype filter hook input priority filter; policy drop;\n");
        text.append("\t\tiifname \"lo\" accept\n");
        text.append("\t\tct state established,related counter name \"").append(ALLOWED_IN).append("\" accept\n");
        text.append("\t\tcounter name \"").append(BLOCKED_IN).append("\" drop\n");
        text.append("\t}\n\n");
        // The namespace inherits the host's forwarding switch; nothing is ever forwarded through a task.
        text.append("\tchain forward {\n");
        text.append("\t\ttype filter hook forward priority filter; policy drop;\n");
        text.append("\t}\n");
        text.append("}\n");
        return text.toString();
    }

    /**
     * The host wall's base table, replacing any previous one (the reconciler's reset: every task entry is gone). Task
     * interfaces are sent to their own chain through the {@code task_chains} map, forwarded or addressed to the host
     * itself; what that chain does not accept, and anything from a task interface without an entry, is dropped. So a task
     * reaches the host only at an address and port its plan names (which the planner allows only when the site names
     * that host address exactly).
     * Traffic of other interfaces is untouched (policies accept).
     */
    public static String hostWall(HostWall wall) {
        requireNonNull(wall, "wall is null");
        String table = "inet " + wall.table();
        String tasks = "\"" + wall.interfacePrefix() + "*\"";
        // No task reaches the task networks (another task, the host's end of any link), whatever its plan says.
        String taskNetworks = "\t\tiifname " + tasks + " ip daddr " + wall.ipv4Subnet() + " counter drop\n"
                + "\t\tiifname " + tasks + " ip6 daddr " + wall.ipv6Subnet() + " counter drop\n";
        return "add table " + table + "\n"
                + "delete table " + table + "\n"
                + "table " + table + " {\n"
                + "\tmap task_chains {\n"
                + "\t\ttype ifname : verdict\n"
                + "\t}\n\n"
                + "\tchain forward {\n"
                + "\t\ttype filter hook forward priority filter - 1; policy accept;\n"
                + taskNetworks
                + "\t\tiifname " + tasks + " iifname vmap @task_chains\n"
                + "\t\tiifname " + tasks + " counter drop\n"
                + "\t\toifname " + tasks + " ct state established,related accept\n"
                + "\t\toifname " + tasks + " counter drop\n"
                + "\t}\n\n"
                + "\tchain input {\n"
                + "\t\ttype filter hook input priority filter - 1; policy accept;\n"
                + taskNetworks
                + "\t\tiifname " + tasks + " iifname vmap @task_chains\n"
                + "\t\tiifname " + tasks + " counter drop\n"
                + "\t}\n\n"
                + "\tchain postrouting {\n"
                + "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
                + "\t\tip saddr " + wall.ipv4Subnet() + " oifname != " + tasks + " masquerade\n"
                + "\t\tip6 saddr " + wall.ipv6Subnet() + " oifname != " + tasks + " masquerade\n"
                + "\t}\n"
                + "}\n";
    }

    /**
     * One task's entry in the host wall: its chain (new connections from the task's own addresses to the planned
     * tuples, and established flows) and the map element sending its interface there. Applying it again replaces it.
     */
    public static String hostWallAddTask(HostWall wall, String interfaceName, InetAddress taskIpv4, InetAddress taskIpv6, EgressPlan plan) {
        requireNonNull(wall, "wall is null");
        requireNonNull(taskIpv4, "taskIpv4 is null");
        requireNonNull(taskIpv6, "taskIpv6 is null");
        requireNonNull(plan, "plan is null");
        checkInterface(wall, interfaceName);
        checkSize(plan);
        if (!(taskIpv4 instanceof Inet4Address) || !(taskIpv6 instanceof Inet6Address)) {
            throw new IllegalArgumentException("a task has one IPv4 and one IPv6 address");
        }
        String table = "inet " + wall.table();
        String chain = "task_" + interfaceName;
        String rule = "add rule " + table + " " + chain + " ";
        StringBuilder text = new StringBuilder();
        text.append("add chain ").append(table).append(' ').append(chain).append('\n');
        text.append("flush chain ").append(table).append(' ').append(chain).append('\n');
        text.append(rule).append("exthdr rt exists drop\n");
        // A bound on the task's live flows, so no task fills the host's connection tracking table for the others.
        text.append(rule).append("ct state new ct count over ").append(MAX_FLOWS).append(" drop\n");
        for (PlannedRule planned : plan.rules()) {
            String source = planned.destination().ipv6() ? "ip6 saddr " + Cidr.text(taskIpv6) : "ip saddr " + Cidr.text(taskIpv4);
            text.append(rule).append(source).append(' ').append(match(planned)).append(" ct state new accept\n");
        }
        text.append(rule).append("ct state established,related accept\n");
        text.append("add element ").append(table).append(" task_chains { \"").append(interfaceName).append("\" : jump ").append(chain)
                .append(" }\n");
        return text.toString();
    }

    /**
     * Removes one task's entry: map element, then its chain, in one transaction. The entry is first (re)declared so the
     * removal succeeds whether or not it was there.
     */
    public static String hostWallRemoveTask(HostWall wall, String interfaceName) {
        requireNonNull(wall, "wall is null");
        checkInterface(wall, interfaceName);
        String table = "inet " + wall.table();
        String chain = "task_" + interfaceName;
        return "add chain " + table + " " + chain + "\n"
                + "add element " + table + " task_chains { \"" + interfaceName + "\" : jump " + chain + " }\n"
                + "delete element " + table + " task_chains { \"" + interfaceName + "\" }\n"
                + "flush chain " + table + " " + chain + "\n"
                + "delete chain " + table + " " + chain + "\n";
    }

    /** {@code ip daddr 198.51.100.10 tcp dport { 443, 8000-8100 }}. */
    private static String match(PlannedRule rule) {
        Cidr destination = rule.destination();
        String address = destination.single() ? Cidr.text(destination.network()) : destination.toString();
        String ports = rule.ports().stream().map(PortRange::toString).collect(Collectors.joining(", "));
        return (destination.ipv6() ? "ip6 daddr " : "ip daddr ") + address + " " + rule.protocol().value() + " dport { " + ports + " }";
    }

    private static void checkSize(EgressPlan plan) {
        if (plan.rules().size() > MAX_RULES) {
            throw new IllegalArgumentException("a plan has at most " + MAX_RULES + " rules");
        }
    }

    private static void checkInterface(HostWall wall, String interfaceName) {
        requireNonNull(interfaceName, "interfaceName is null");
        if (!INTERFACE_NAME.matcher(interfaceName).matches() || !interfaceName.startsWith(wall.interfacePrefix())) {
            throw new IllegalArgumentException("a task interface name is at most 15 lower-case letters and digits starting with "
                    + wall.interfacePrefix());
        }
    }
}
