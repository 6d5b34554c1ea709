package ca.heroa.appliance.bench;

import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.network.Link;
import ca.heroa.residency.network.NetworkSettings;
import ca.heroa.residency.nft.HostWall;
import ca.heroa.residency.nft.NftRuleset;
import ca.heroa.residency.plan.EgressPlan;
import ca.heroa.residency.plan.PlannedRule;
import ca.heroa.residency.plan.PortRange;
import ca.heroa.residency.plan.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The egress benchmark's baseline input: everything the shell script needs to do by hand what the appliance's
 * {@code KernelTaskNetworks} does for one task, rendered once from the plan the appliance recorded in a task's
 * {@code task.accepted} audit entry ({@code egressPlan}), so that both sides apply the same ruleset text.
 * <ul>
 * <li>{@code task.nft}: {@link NftRuleset#task} of that plan (applied in the new namespace with {@code nsenter nft -f});</li>
 * <li>{@code wall-add.nft}, {@code wall-remove.nft}: {@link NftRuleset#hostWallAddTask} and {@link NftRuleset#hostWallRemoveTask}
 * for the script's own link, in the appliance's host wall table;</li>
 * <li>{@code host.batch}, {@code task.batch}: the {@code ip -batch} lines of the host and the namespace side of the link, the
 * same lines as {@code KernelTaskNetworks} (copied: they are private there), {@code {netns}} standing for the namespace name;</li>
 * <li>{@code egress.env}: the link's names and addresses, for the script.</li>
 * </ul>
 * The script's link is slot {@code --slot} of the appliance's own task subnets and interface prefix, far from the slots the
 * appliance uses one task at a time (the lowest free one), so the host wall treats it as it treats a task's.
 * <p>
 * Usage: {@code EgressRender --plan-json JSON --appliance-id ID --ipv4-subnet CIDR --ipv6-subnet CIDR --slot N --out-dir DIR}.
 */
public final class EgressRender {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EgressRender() {
    }

    public static void main(String[] args) throws IOException {
        Options options = new Options(args);
        EgressPlan plan = plan(JSON.readTree(options.required("plan-json")));
        NetworkSettings settings = new NetworkSettings(options.required("appliance-id"), Cidr.parse(options.required("ipv4-subnet")),
                Cidr.parse(options.required("ipv6-subnet")));
        HostWall wall = settings.hostWall();
        Link link = settings.link(Integer.parseInt(options.required("slot")));
        Path out = Files.createDirectories(Path.of(options.required("out-dir")));
        write(out.resolve("task.nft"), NftRuleset.task(plan));
        write(out.resolve("wall-add.nft"), NftRuleset.hostWallAddTask(wall, link.hostInterface(), link.taskIpv4(), link.taskIpv6(), plan));
        write(out.resolve("wall-remove.nft"), NftRuleset.hostWallRemoveTask(wall, link.hostInterface()));
        write(out.resolve("host.batch"), String.join("\n", link.hostSide("{netns}")) + "\n");
        write(out.resolve("task.batch"), String.join("\n", link.taskSide()) + "\n");
        write(out.resolve("egress.env"), "iface=" + link.hostInterface() + "\n"
                + "wall_table=" + wall.table() + "\n"
                + "task_ipv4=" + Cidr.text(link.taskIpv4()) + "\n"
                + "gateway_ipv4=" + Cidr.text(link.gatewayIpv4()) + "\n"
                + "task_ipv6=" + Cidr.text(link.taskIpv6()) + "\n"
                + "rules=" + plan.rules().size() + "\n");
    }

    /** The plan from its audit form: a JSON array of {to, protocol, ports, declaredAs} (see the appliance's EgressDetails). */
    private static EgressPlan plan(JsonNode rules) {
        if (!rules.isArray() || rules.isEmpty()) {
            throw new IllegalArgumentException("the egress plan is not a non-empty JSON array: " + rules);
        }
        List<PlannedRule> planned = new ArrayList<>();
        for (JsonNode rule : rules) {
            List<PortRange> ports = new ArrayList<>();
            rule.path("ports").forEach(port -> ports.add(PortRange.parse(port.asText())));
            planned.add(new PlannedRule(Cidr.parse(rule.path("to").asText()),
                    Protocol.parse(rule.path("protocol").asText()).orElseThrow(() -> new IllegalArgumentException("protocol in " + rule)),
                    ports, rule.path("declaredAs").asText()));
        }
        return new EgressPlan(planned, List.of());
    }


    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
