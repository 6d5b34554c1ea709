package ca.heroa.appliance.egress;

import ca.heroa.appliance.Appliance;
import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.NetworkLab;
import ca.heroa.appliance.testing.TaskFixtures;
import ca.heroa.appliance.testing.TaskFixtures.Workspace;
import ca.heroa.appliance.testing.TestAppliance;
import ca.heroa.appliance.testing.TestFiles;
import ca.heroa.residency.process.CommandResult;
import ca.heroa.residency.process.HostCommands;
import ca.heroa.residency.process.ProcessHostCommands;
import ca.heroa.residency.process.Program;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Promises 4 and 5, live: real tasks in real containers, in network namespaces the appliance firewalls, against a lab
 * namespace the test builds with "Canadian" and "foreign" hosts (documentation ranges the lab dataset labels). Every
 * refused case runs next to an allowed case that works, in the same task or the same test.
 */
class EgressLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicBoolean REFUSE_TASK_RULESETS = new AtomicBoolean();

    private static NetworkLab lab;
    private static Path data;
    private static Path hostsFile;
    private static Appliance appliance;
    private static ApiClient client;
    private static String adminToken;
    private static Workspace workspace;

    @BeforeAll
    static void start() throws IOException {
        lab = NetworkLab.start(214);
        data = Files.createTempDirectory("heroa-egress-");
        hostsFile = data.resolve("lab-hosts");
        resolve("rebind.lab.test", NetworkLab.CANADIAN_V4_OTHER);
        Map<String, String> config = new HashMap<>();
        site(config, 0, "host", "ca.lab.test", "tcp", "443");
        site(config, 1, "cidr", "198.51.100.0/24", "udp", "5353");
        site(config, 2, "host", "rebind.lab.test", "tcp", "443");
        site(config, 3, "host", "abroad.lab.test", "tcp", "443");
        site(config, 4, "cidr", "0.0.0.0/0", "tcp", "443");
        config.put("heroa.egress.hosts-file", hostsFile.toString());
        config.put("heroa.egress.task-network.ipv4-subnet", "10.214.0.0/16");
        config.put("heroa.egress.task-network.ipv6-subnet", "fd68:6572:6f62::/48");
        HostCommands real = ProcessHostCommands.create(List.of(Program.IP, Program.NSENTER, Program.NFT));
        // The kernel refusing a task's ruleset, on demand: nft answers as it would for a ruleset it cannot load.
        HostCommands commands = command -> REFUSE_TASK_RULESETS.get() && command.argv().stream().anyMatch(argument -> argument.endsWith("nft"))
                && command.stdinText().contains("heroa_task") ? new CommandResult(1, "", "Error: simulated refusal of the task's ruleset")
                : real.run(command);
        appliance = Appliance.start(TestAppliance.config(data, config), commands);
        adminToken = appliance.firstAdminToken().orElseThrow().reveal();
        client = new ApiClient(appliance.port(), appliance.tls().trustAnchor());
        String id = client.createWorkspace(adminToken, "egress-lab");
        String token = client.createToken(adminToken, id, "runner", "workspace:read", "images:write", "templates:write", "tasks:run",
                "audit:read").get("token").asText();
        workspace = new Workspace(id, token, TaskFixtures.uploadImage(client, token, id, TaskFixtures.probeArchive()));
    }

    @AfterAll
    static void stop() {
        try {
            if (appliance != null) {
                appliance.close();
            }
        } finally {
            if (lab != null) {
                lab.close();
            }
            if (data != null) {
                TestFiles.deleteRecursively(data);
            }
        }
    }

    @Test
    void aTaskReachesExactlyTheDeclaredAllowedCanadianEndpointsAndNothingElse() throws Exception {
        resolve("ca.lab.test", NetworkLab.CANADIAN_V4, NetworkLab.CANADIAN_V6);
        define("lab-allowed", List.of(egress("host", "ca.lab.test", "tcp", 443), egress("cidr", NetworkLab.CANADIAN_V4 + "/32", "udp", 5353)),
                "net", "tcp ca.lab.test 443", "tcp " + NetworkLab.CANADIAN_V6 + " 443", "tcp ca.lab.test 444",
                "tcp " + NetworkLab.FOREIGN_V4 + " 443", "tcp " + NetworkLab.FOREIGN_V6 + " 443", "tcp " + NetworkLab.CANADIAN_V4_OTHER + " 443",
                "udp ca.lab.test 5353 declared-udp", "udp ca.lab.test 5354 undeclared-udp",
                "dns ca.lab.test", "dns " + NetworkLab.CANADIAN_V6, "dns gateway", "icmp ca.lab.test", "icmp " + NetworkLab.CANADIAN_V6,
                "tcp gateway 443", "tcp gateway 22", "tcp gateway " + appliance.port(), "tcp 169.254.169.254 80");
        JsonNode task = TaskFixtures.runToEnd(client, workspace, "lab-allowed");
        String stdout = task.get("output").get("stdout").asText();
        assertEquals("succeeded", task.get("status").asText(), task.toString());
        assertLine(stdout, "tcp ca.lab.test 443: ok heroa-lab 443");
        assertLine(stdout, "tcp " + NetworkLab.CANADIAN_V6 + " 443: ok heroa-lab 443");
        assertTrue(lab.receivedWithin("udp 5353 declared-udp", Duration.ofSeconds(5)), "the declared UDP datagram arrived: " + lab.received());
        for (String refused : List.of("tcp ca.lab.test 444", "tcp " + NetworkLab.FOREIGN_V4 + " 443", "tcp " + NetworkLab.FOREIGN_V6 + " 443",
                "tcp " + NetworkLab.CANADIAN_V4_OTHER + " 443", "tcp gateway 443", "tcp gateway 22", "tcp gateway " + appliance.port(),
                "tcp 169.254.169.254 80")) {
            assertLine(stdout, refused + ": refused");
        }
        for (String unanswered : List.of("dns ca.lab.test", "dns " + NetworkLab.CANADIAN_V6, "dns gateway", "icmp ca.lab.test",
                "icmp " + NetworkLab.CANADIAN_V6)) {
            assertLine(stdout, unanswered + ": no answer");
        }
        assertFalse(lab.received().stream().anyMatch(line -> line.startsWith("udp 53 ") || line.contains("undeclared-udp")),
                "no DNS query and no undeclared datagram reached the lab: " + lab.received());

        Map<String, JsonNode> audit = auditOf(task.get("id").asText());
        String plan = audit.get("task.accepted").get("details").get("egressPlan").asText();
        assertTrue(plan.contains("\"198.51.100.10/32\"") && plan.contains("\"2001:db8:ca::10/128\"") && plan.contains("\"udp\""),
                "the plan is in the task.accepted entry: " + plan);
        JsonNode completed = audit.get("task.completed").get("details");
        assertTrue(completed.get("egressAllowedOutPackets").asLong() > 0, "allowed packets counted: " + completed);
        assertTrue(completed.get("egressBlockedOutPackets").asLong() >= 10, "blocked packets counted: " + completed);
        assertTrue(completed.get("egressBlockedOutBytes").asLong() > 0, completed.toString());
    }

    @Test
    void aTaskCannotChangeItsOwnNetwork() {
        resolve("ca.lab.test", NetworkLab.CANADIAN_V4);
        ObjectNode tamper = manifest("lab-tamper", List.of(egress("host", "ca.lab.test", "tcp", 443)), "net", "tcp ca.lab.test 443");
        ((ArrayNode) tamper.get("command")).removeAll().add("/bin/sh").add("-c").add(String.join("; ",
                "ip addr add " + NetworkLab.FOREIGN_V4_OTHER + "/32 dev eth0 2>&1 | sed 's/^/addr: /'",
                "ip route add 203.0.113.0/24 dev eth0 2>&1 | sed 's/^/route: /'",
                "ip link set eth0 down 2>&1 | sed 's/^/link: /'",
                "ip link add dummy0 type dummy 2>&1 | sed 's/^/new-link: /'",
                "/bin/heroa-probe net 'tcp ca.lab.test 443' 'tcp " + NetworkLab.FOREIGN_V4 + " 443'"));
        TaskFixtures.defineTemplate(client, workspace, tamper);
        String stdout = TaskFixtures.runToEnd(client, workspace, "lab-tamper").get("output").get("stdout").asText();
        for (String attempt : List.of("addr: ", "route: ", "link: ", "new-link: ")) {
            assertTrue(stdout.lines().anyMatch(line -> line.startsWith(attempt) && line.contains("not permitted")),
                    "no capability over its namespace (" + attempt + "):\n" + stdout);
        }
        assertLine(stdout, "tcp ca.lab.test 443: ok heroa-lab 443");
        assertLine(stdout, "tcp " + NetworkLab.FOREIGN_V4 + " 443: refused");
    }

    @Test
    void anotherRunningTaskIsUnreachable() throws Exception {
        resolve("ca.lab.test", NetworkLab.CANADIAN_V4);
        List<JsonNode> egress = List.of(egress("host", "ca.lab.test", "tcp", 443));
        define("lab-listener", egress, "net", "listen 8080 8");
        define("lab-neighbour", egress, "net", "tcp input 8080", "tcp ca.lab.test 443");
        ApiClient.Response listening = TaskFixtures.run(client, workspace, "lab-listener", 0);
        assertEquals(202, listening.status(), listening.body());
        String listener = listening.json().get("id").asText();
        String address = taskAddress(listener);
        JsonNode neighbour = TaskFixtures.runToEnd(client, workspace, "lab-neighbour", address);
        String stdout = neighbour.get("output").get("stdout").asText();
        assertLine(stdout, "tcp input 8080: refused");
        assertLine(stdout, "tcp ca.lab.test 443: ok heroa-lab 443");
        JsonNode ended = client.get("/v1/workspaces/" + workspace.id() + "/tasks/" + listener + "?wait=30", workspace.token()).json();
        assertLine(ended.get("output").get("stdout").asText(), "listen 8080: 0 connections");
    }

    @Test
    void aNameThatLaterResolvesAbroadNeverGetsARuleForTheForeignAddress() throws Exception {
        define("lab-rebind", List.of(egress("host", "rebind.lab.test", "tcp", 443)), "net", "tcp rebind.lab.test 443");
        resolve("rebind.lab.test", NetworkLab.CANADIAN_V4_OTHER);
        JsonNode first = TaskFixtures.runToEnd(client, workspace, "lab-rebind");
        assertLine(first.get("output").get("stdout").asText(), "tcp rebind.lab.test 443: ok heroa-lab 443");
        String plan = auditOf(first.get("id").asText()).get("task.accepted").get("details").get("egressPlan").asText();
        assertTrue(plan.contains(NetworkLab.CANADIAN_V4_OTHER + "/32") && !plan.contains("203.0.113"), plan);

        resolve("rebind.lab.test", NetworkLab.FOREIGN_V4_OTHER);
        ApiClient.Response second = runIn("lab-rebind", "fr");
        assertEquals(422, second.status(), second.body());
        JsonNode refused = second.json().get("refusedEndpoints").get(0);
        assertEquals("rebind.lab.test tcp/443", refused.get("endpoint").asText());
        assertEquals(NetworkLab.FOREIGN_V4_OTHER, refused.get("address").asText());
        assertEquals("US", refused.get("country").asText());
        assertEquals("not_canadian", refused.get("reason").asText());
        assertTrue(refused.get("message").asText().contains("espace d'adresses canadien"), "the reason in French: " + refused);
        assertTrue(second.json().get("detail").asText().startsWith("1 destination"), second.body());
        assertEquals(0, client.get("/v1/audit?workspace=" + workspace.id() + "&action=task.accepted&limit=500", adminToken).json().get("entries")
                .findValues("egressPlan").stream().filter(value -> value.asText().contains(NetworkLab.FOREIGN_V4_OTHER)).count(),
                "no task was ever accepted with a rule for the foreign address");
    }

    @Test
    void aForeignLiteralIsRefusedAtSubmissionAndAForeignNameAtTaskStart() {
        ObjectNode foreign = manifest("lab-foreign-literal", List.of(egress("cidr", NetworkLab.FOREIGN_V4 + "/32", "tcp", 443)), "net", "tcp x 1");
        for (String language : List.of("en", "fr")) {
            ApiClient.Response refused = client.send("POST", "/v1/workspaces/" + workspace.id() + "/templates", Optional.of(workspace.token()),
                    Optional.of(foreign.toString()), Map.of("Accept-Language", language));
            assertEquals(422, refused.status(), refused.body());
            assertEquals("egress_refused", refused.json().get("code").asText());
            JsonNode endpoint = refused.json().get("refusedEndpoints").get(0);
            assertEquals(List.of("203.0.113.10/32 tcp/443", "203.0.113.10/32", "US", "not_canadian"), List.of(endpoint.get("endpoint").asText(),
                    endpoint.get("address").asText(), endpoint.get("country").asText(), endpoint.get("reason").asText()), refused.body());
            assertTrue(endpoint.get("message").asText().contains(language.equals("fr") ? "canadien" : "Canadian"), refused.body());
        }
        define("lab-canadian-literal", List.of(egress("cidr", NetworkLab.CANADIAN_V4 + "/32", "tcp", 443)), "net", "tcp " + NetworkLab.CANADIAN_V4 + " 443");
        assertLine(TaskFixtures.runToEnd(client, workspace, "lab-canadian-literal").get("output").get("stdout").asText(),
                "tcp " + NetworkLab.CANADIAN_V4 + " 443: ok heroa-lab 443");

        resolve("abroad.lab.test", NetworkLab.FOREIGN_V4);
        define("lab-abroad", List.of(egress("host", "abroad.lab.test", "tcp", 443)), "net", "tcp abroad.lab.test 443");
        ApiClient.Response refused = runIn("lab-abroad", "en");
        assertEquals(422, refused.status(), refused.body());
        JsonNode endpoint = refused.json().get("refusedEndpoints").get(0);
        assertEquals(List.of("abroad.lab.test tcp/443", NetworkLab.FOREIGN_V4, "US", "not_canadian"), List.of(endpoint.get("endpoint").asText(),
                endpoint.get("address").asText(), endpoint.get("country").asText(), endpoint.get("reason").asText()), refused.body());
    }

    @Test
    void aRulesetTheKernelRefusesMeansTheTaskNeverStarts() {
        resolve("ca.lab.test", NetworkLab.CANADIAN_V4);
        define("lab-refused-rules", List.of(egress("host", "ca.lab.test", "tcp", 443)), "net", "tcp ca.lab.test 443");
        JsonNode failed;
        REFUSE_TASK_RULESETS.set(true);
        try {
            failed = TaskFixtures.runToEnd(client, workspace, "lab-refused-rules");
        } finally {
            REFUSE_TASK_RULESETS.set(false);
        }
        assertEquals("failed", failed.get("status").asText(), failed.toString());
        assertEquals("egress-setup-failed", failed.get("reason").asText(), failed.toString());
        Map<String, JsonNode> audit = auditOf(failed.get("id").asText());
        assertFalse(audit.containsKey("task.started"), "no task.started entry: the container was never started: " + audit.keySet());
        assertTrue(audit.containsKey("task.failed"), audit.keySet().toString());
        String taskHex = failed.get("id").asText().substring("task_".length());
        assertFalse(NetworkLab.run("ip", "netns", "list").contains(taskHex), "its namespace was removed");
        assertEquals("", NetworkLab.run("podman", "--url", "unix://" + ca.heroa.appliance.testing.TestPodman.socket(), "ps", "-a", "--filter",
                "label=heroa.task-id=" + failed.get("id").asText(), "--format", "{{.ID}}").strip(), "no container was created");

        JsonNode next = TaskFixtures.runToEnd(client, workspace, "lab-refused-rules");
        assertLine(next.get("output").get("stdout").asText(), "tcp ca.lab.test 443: ok heroa-lab 443");
    }

    @Test
    void theResidencyEvidenceIsForTheTenantAdmin() throws Exception {
        resolve("ca.lab.test", NetworkLab.CANADIAN_V4);
        define("lab-evidence", List.of(egress("host", "ca.lab.test", "tcp", 443)), "net", "tcp ca.lab.test 443", "tcp ca.lab.test 444");
        assertLine(TaskFixtures.runToEnd(client, workspace, "lab-evidence").get("output").get("stdout").asText(), "tcp ca.lab.test 443: ok");

        ApiClient.Response evidence = client.get("/v1/residency", adminToken);
        assertEquals(200, evidence.status(), evidence.body());
        JsonNode body = evidence.json();
        assertEquals("lab", body.get("dataset").get("version").asText());
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(ca.heroa.appliance.testing.TestResidency.LAB_RANGES)));
        assertEquals(sha256, body.get("dataset").get("files").get(0).get("sha256").asText(), "the digest of the file actually loaded");
        assertEquals(ca.heroa.appliance.testing.TestResidency.LICENCE, body.get("dataset").get("licence").asText(), "as the operator stated it");
        assertEquals(5, body.get("siteAllowances").size(), body.toString());
        assertEquals("ca.lab.test", body.get("siteAllowances").get(0).get("host").asText());
        assertEquals("database", body.get("applianceDestinations").get(0).get("purpose").asText(), body.toString());
        assertTrue(body.get("counters").get("allowedPackets").asLong() > 0 && body.get("counters").get("blockedPackets").asLong() > 0,
                "totals of the tasks' kernel counters: " + body.get("counters"));
        assertEquals(403, client.get("/v1/residency", workspace.token()).status(), "a workspace token does not read it");

        java.net.http.HttpClient admin = java.net.http.HttpClient.newBuilder()
                .sslContext(ApiClient.trusting(appliance.tls().trustAnchor())).build();
        String metrics = admin.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + appliance.adminPort()
                + "/observe/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        for (String name : List.of("heroa_egress_allowed_packets_total", "heroa_egress_blocked_packets_total", "heroa_egress_refused_plans_total")) {
            assertTrue(metrics.contains(name), name + " is exported on the admin socket");
        }
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private static void resolve(String name, String... addresses) {
        try {
            List<String> lines = new ArrayList<>();
            if (Files.exists(hostsFile)) {
                Files.readAllLines(hostsFile).stream().filter(line -> !line.endsWith(" " + name)).forEach(lines::add);
            }
            for (String address : addresses) {
                lines.add(address + " " + name);
            }
            Files.write(hostsFile, lines);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void site(Map<String, String> config, int index, String kind, String destination, String protocol, String port) {
        String prefix = "heroa.egress.site-allowances." + index + ".";
        config.put(prefix + kind, destination);
        config.put(prefix + "protocol", protocol);
        config.put(prefix + "ports.0", port);
    }

    private static JsonNode egress(String kind, String destination, String protocol, int port) {
        ObjectNode item = JSON.createObjectNode();
        item.put(kind, destination);
        item.putArray("ports").add(port);
        item.put("protocol", protocol);
        return item;
    }

    private static ObjectNode manifest(String name, List<JsonNode> egress, String... command) {
        List<String> argv = new ArrayList<>(List.of("/bin/heroa-probe"));
        argv.addAll(List.of(command));
        ObjectNode manifest = TaskFixtures.manifest(name, workspace.image(), argv, List.of(), "timeoutSeconds", 60);
        ArrayNode items = manifest.putArray("egress");
        egress.forEach(items::add);
        return manifest;
    }

    private static void define(String name, List<JsonNode> egress, String... command) {
        TaskFixtures.defineTemplate(client, workspace, manifest(name, egress, command));
    }

    private static ApiClient.Response runIn(String template, String language) {
        ObjectNode body = JSON.createObjectNode().put("template", template).put("waitSeconds", 60);
        return client.send("POST", "/v1/workspaces/" + workspace.id() + "/tasks", Optional.of(workspace.token()), Optional.of(body.toString()),
                Map.of("Accept-Language", language));
    }

    private static Map<String, JsonNode> auditOf(String task) {
        Map<String, JsonNode> byAction = new HashMap<>();
        for (JsonNode entry : client.get("/v1/audit?workspace=" + workspace.id() + "&limit=500", adminToken).json().get("entries")) {
            if (entry.get("target").asText().equals("task:" + task)) {
                byAction.put(entry.get("action").asText(), entry);
            }
        }
        return byAction;
    }

    /** The IPv4 address of a running task's end of its link, read from its namespace (named after the task). */
    private static String taskAddress(String task) throws InterruptedException {
        String taskHex = task.substring("task_".length());
        for (int attempt = 0; attempt < 100; attempt++) {
            Optional<String> namespace = NetworkLab.run("ip", "netns", "list").lines().map(line -> line.split(" ")[0])
                    .filter(name -> name.endsWith(taskHex)).findFirst();
            if (namespace.isPresent()) {
                // The link appears a moment after the namespace (its rules come first).
                String addresses = NetworkLab.attempt("ip", "-n", namespace.get(), "-4", "-o", "addr", "show", "dev", "eth0").orElse("");
                java.util.regex.Matcher inet = java.util.regex.Pattern.compile("inet (\\S+)/").matcher(addresses);
                if (inet.find()) {
                    return inet.group(1);
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the listener task's namespace did not appear");
    }

    private static void assertLine(String output, String prefix) {
        assertTrue(output.lines().anyMatch(line -> line.startsWith(prefix)), "expected a line starting with '" + prefix + "' in:\n" + output);
    }
}
