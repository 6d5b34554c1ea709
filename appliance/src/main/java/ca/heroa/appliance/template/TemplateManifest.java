package ca.heroa.appliance.template;

import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.vault.SecretName;
import ca.heroa.residency.address.Cidr;
import ca.heroa.residency.plan.Allowance;
import ca.heroa.residency.plan.Destination;
import ca.heroa.residency.plan.PortRange;
import ca.heroa.residency.plan.Protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * What a template runs: an image by digest, its command, non-secret environment, resource limits, the names of the
 * workspace secrets it receives as files, and the egress it asks for. Every rule of the published JSON Schema
 * ({@code template-manifest.schema.json}) holds for an instance, plus the ones a schema cannot state (total command
 * size). Site maxima are not checked here but by {@link TemplateLimits#check}: a stored version stays readable after an
 * operator lowers a maximum.
 *
 * @param name        the template's name
 * @param description free text for people, at most {@value #MAX_DESCRIPTION} characters
 * @param image       the image, by digest only
 * @param command     the argument vector, 1 to {@value #MAX_ARGUMENTS} arguments
 * @param environment non-secret variables, by name; secrets never go here, they are delivered as files
 * @param resources   limits of the task's container, with the site's defaults filled in
 * @param secrets     vault secret names, delivered at {@code /run/heroa/secrets/<name>}
 * @param egress      requested network allowances, granted only within the site's and only to Canadian addresses
 */
public record TemplateManifest(
        TemplateName name,
        Optional<String> description,
        ImageDigest image,
        List<String> command,
        SortedMap<String, String> environment,
        Resources resources,
        List<SecretName> secrets,
        List<EgressAllowance> egress) {

    public static final int MAX_DESCRIPTION = 500;
    public static final int MAX_ARGUMENTS = 64;
    public static final int MAX_ARGUMENT_LENGTH = 4096;
    /** The argument vector's total size in UTF-8 bytes: the one rule the JSON Schema cannot state. */
    public static final int MAX_COMMAND_BYTES = 32 * 1024;
    public static final int MAX_VARIABLES = 64;
    public static final int MAX_VALUE_LENGTH = 4096;
    public static final int MAX_SECRETS = 32;
    public static final int MAX_EGRESS = 64;
    /** Variable names as POSIX shells accept them; the JSON Schema uses the same expression. */
    public static final String VARIABLE_PATTERN = "^[A-Za-z_][A-Za-z0-9_]{0,127}$";
    /** Names the appliance sets itself (the task token's socket, for instance): a template cannot shadow them. */
    public static final String RESERVED_PREFIX = "HEROA_";
    private static final Pattern VARIABLE = Pattern.compile(VARIABLE_PATTERN);

    public TemplateManifest {
        requireNonNull(name, "name is null");
        requireNonNull(description, "description is null");
        requireNonNull(image, "image is null");
        command = List.copyOf(command);
        environment = Collections.unmodifiableSortedMap(new TreeMap<>(environment));
        requireNonNull(resources, "resources is null");
        secrets = List.copyOf(secrets);
        egress = List.copyOf(egress);
        description.ifPresent(text -> {
            if (length(text) > MAX_DESCRIPTION) {
                throw new ManifestViolation("/description", "longer than " + MAX_DESCRIPTION + " characters");
            }
        });
        checkCommand(command);
        checkEnvironment(environment);
        if (secrets.size() > MAX_SECRETS) {
            throw new ManifestViolation("/secrets", "more than " + MAX_SECRETS + " items");
        }
        if (new HashSet<>(secrets).size() != secrets.size()) {
            throw new ManifestViolation("/secrets", "duplicate items");
        }
        if (egress.size() > MAX_EGRESS) {
            throw new ManifestViolation("/egress", "more than " + MAX_EGRESS + " items");
        }
    }

    private static void checkCommand(List<String> command) {
        if (command.isEmpty()) {
            throw new ManifestViolation("/command", "empty");
        }
        if (command.size() > MAX_ARGUMENTS) {
            throw new ManifestViolation("/command", "more than " + MAX_ARGUMENTS + " items");
        }
        long bytes = 0;
        for (int i = 0; i < command.size(); i++) {
            String argument = command.get(i);
            checkText("/command/" + i, argument, MAX_ARGUMENT_LENGTH);
            bytes += argument.getBytes(StandardCharsets.UTF_8).length;
        }
        if (bytes > MAX_COMMAND_BYTES) {
            throw new ManifestViolation("/command", "more than " + MAX_COMMAND_BYTES + " bytes in total");
        }
    }

    private static void checkEnvironment(Map<String, String> environment) {
        if (environment.size() > MAX_VARIABLES) {
            throw new ManifestViolation("/environment", "more than " + MAX_VARIABLES + " variables");
        }
        environment.forEach((variable, value) -> {
            String pointer = "/environment/" + ManifestPointer.escape(variable);
            if (!VARIABLE.matcher(variable).matches()) {
                throw new ManifestViolation(pointer, "not a valid variable name");
            }
            if (variable.startsWith(RESERVED_PREFIX)) {
                throw new ManifestViolation(pointer, "names starting with " + RESERVED_PREFIX + " are reserved");
            }
            checkText(pointer, value, MAX_VALUE_LENGTH);
        });
    }

    /** Argument vectors and environments are C strings in the container: a NUL would silently cut them. */
    private static void checkText(String pointer, String text, int maxLength) {
        requireNonNull(text, "text is null");
        if (length(text) > maxLength) {
            throw new ManifestViolation(pointer, "longer than " + maxLength + " characters");
        }
        if (text.indexOf('\u0000') >= 0) {
            throw new ManifestViolation(pointer, "contains NUL");
        }
    }

    /** Characters as JSON Schema counts them (code points), so the schema and this class agree on limits. */
    public static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * Limits of the task's container, each between its field's minimum (what a container needs to start at all) and
     * ceiling (the largest value any site may configure; {@link TemplateLimits} holds the site's own, lower, maxima).
     */
    public record Resources(int cpuMillis, int memoryMiB, int pids, int tmpfsMiB, int timeoutSeconds) {
        public Resources {
            Field.CPU_MILLIS.check(cpuMillis);
            Field.MEMORY_MIB.check(memoryMiB);
            Field.PIDS.check(pids);
            Field.TMPFS_MIB.check(tmpfsMiB);
            Field.TIMEOUT_SECONDS.check(timeoutSeconds);
        }

        /** The fields, by their manifest key, so parser, limits, configuration and schema name them one way. */
        public enum Field {
            CPU_MILLIS("cpuMillis", "cpu-millis", 10, 1_024_000),
            MEMORY_MIB("memoryMiB", "memory-mib", 6, 4_194_304),
            PIDS("pids", "pids", 8, 4_194_304),
            TMPFS_MIB("tmpfsMiB", "tmpfs-mib", 1, 4_194_304),
            TIMEOUT_SECONDS("timeoutSeconds", "timeout-seconds", 1, 604_800);

            private final String key;
            private final String configKey;
            private final int minimum;
            private final int ceiling;

            Field(String key, String configKey, int minimum, int ceiling) {
                this.key = key;
                this.configKey = configKey;
                this.minimum = minimum;
                this.ceiling = ceiling;
            }

            public String key() {
                return key;
            }

            /** The suffix of its {@code max-*} and {@code default-*} keys in the {@code heroa.templates} node. */
            public String configKey() {
                return configKey;
            }

            public int minimum() {
                return minimum;
            }

            public int ceiling() {
                return ceiling;
            }

            public int of(Resources resources) {
                return switch (this) {
                    case CPU_MILLIS -> resources.cpuMillis();
                    case MEMORY_MIB -> resources.memoryMiB();
                    case PIDS -> resources.pids();
                    case TMPFS_MIB -> resources.tmpfsMiB();
                    case TIMEOUT_SECONDS -> resources.timeoutSeconds();
                };
            }

            void check(int value) {
                if (value < minimum) {
                    throw new ManifestViolation("/" + key, "below the minimum " + minimum);
                }
                if (value > ceiling) {
                    throw new ManifestViolation("/" + key, "above the maximum " + ceiling);
                }
            }
        }
    }

    /** The egress as the residency guard reads it: one allowance per item, in order. */
    public List<Allowance> egressAllowances() {
        return egress.stream().map(EgressAllowance::allowance).toList();
    }

    /**
     * One requested destination: a host name or a CIDR block (exactly one), ports and protocol. IP literals go in
     * {@code cidr}, so a host is always a name that the egress plan resolves once and checks for residency.
     */
    public record EgressAllowance(Optional<String> host, Optional<String> cidr, List<Integer> ports, Protocol protocol) {
        public static final int MAX_HOST_LENGTH = 253;
        public static final int MAX_PORTS = 16;
        /** Labels of letters, digits and inner hyphens; the last label starts with a letter (no IP literal, no trailing dot). */
        public static final String HOST_PATTERN = "^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)*[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$";
        private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
        private static final String HEXTET = "[0-9a-fA-F]{1,4}";
        public static final String IPV4_CIDR_PATTERN = "^(" + OCTET + "\\.){3}" + OCTET + "/(3[0-2]|[12]?[0-9])$";
        /** RFC 4291 text forms with "::" compression; embedded IPv4 forms are not accepted. */
        public static final String IPV6_CIDR_PATTERN = "^((" + HEXTET + ":){7}" + HEXTET
                + "|(" + HEXTET + ":){1,7}:"
                + "|(" + HEXTET + ":){1,6}:" + HEXTET
                + "|(" + HEXTET + ":){1,5}(:" + HEXTET + "){1,2}"
                + "|(" + HEXTET + ":){1,4}(:" + HEXTET + "){1,3}"
                + "|(" + HEXTET + ":){1,3}(:" + HEXTET + "){1,4}"
                + "|(" + HEXTET + ":){1,2}(:" + HEXTET + "){1,5}"
                + "|" + HEXTET + ":(:" + HEXTET + "){1,6}"
                + "|:((:" + HEXTET + "){1,7}|:))/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$";
        private static final Pattern HOST = Pattern.compile(HOST_PATTERN);
        private static final Pattern IPV4_CIDR = Pattern.compile(IPV4_CIDR_PATTERN);
        private static final Pattern IPV6_CIDR = Pattern.compile(IPV6_CIDR_PATTERN);

        /** This item for the residency guard. */
        public Allowance allowance() {
            Destination destination = host.<Destination>map(Destination.HostName::new)
                    .orElseGet(() -> new Destination.Block(Cidr.parse(cidr.orElseThrow())));
            return new Allowance(destination, ports.stream().map(PortRange::of).toList(), protocol);
        }

        public EgressAllowance {
            requireNonNull(host, "host is null");
            requireNonNull(cidr, "cidr is null");
            ports = List.copyOf(ports);
            requireNonNull(protocol, "protocol is null");
            if (host.isPresent() == cidr.isPresent()) {
                throw new ManifestViolation("", "exactly one of host and cidr");
            }
            host.ifPresent(name -> {
                if (name.length() > MAX_HOST_LENGTH || !HOST.matcher(name).matches()) {
                    throw new ManifestViolation("/host", "not a valid host name");
                }
            });
            cidr.ifPresent(block -> {
                if (!IPV4_CIDR.matcher(block).matches() && !IPV6_CIDR.matcher(block).matches()) {
                    throw new ManifestViolation("/cidr", "not a valid IPv4 or IPv6 CIDR block");
                }
            });
            if (ports.isEmpty()) {
                throw new ManifestViolation("/ports", "empty");
            }
            if (ports.size() > MAX_PORTS) {
                throw new ManifestViolation("/ports", "more than " + MAX_PORTS + " items");
            }
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < ports.size(); i++) {
                int port = ports.get(i);
                if (port < 1 || port > 65_535) {
                    throw new ManifestViolation("/ports/" + i, "not a port (1 to 65535)");
                }
                if (seen.contains(port)) {
                    throw new ManifestViolation("/ports", "duplicate items");
                }
                seen.add(port);
            }
        }
    }
}
