package ca.heroa.appliance.template;

import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.template.TemplateManifest.EgressAllowance;
import ca.heroa.appliance.template.TemplateManifest.Resources;
import ca.heroa.appliance.vault.SecretName;
import ca.heroa.residency.plan.Protocol;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The manifest's JSON form, both ways. Reading walks the tree itself rather than binding it, so every violation names
 * its place as a JSON Pointer ({@code /command/2: contains NUL}) and no field is silently ignored.
 */
public final class ManifestJson {
    private static final Set<String> FIELDS = Set.of("name", "description", "image", "command", "environment", "resources", "secrets", "egress");
    private static final Set<String> EGRESS_FIELDS = Set.of("host", "cidr", "ports", "protocol");
    private static final ObjectMapper STORED = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ManifestJson() {
    }

    /**
     * A submitted manifest: every rule of the schema, the site's maxima, and {@code limits}' defaults for the resources
     * it leaves out. Any violation is an {@link ErrorCode#INVALID_MANIFEST} problem naming where and why.
     */
    public static TemplateManifest parse(JsonNode document, TemplateLimits limits) {
        try {
            TemplateManifest manifest = read(document, limits.defaults());
            limits.check(manifest.resources());
            return manifest;
        } catch (ManifestViolation violation) {
            throw invalid(violation);
        }
    }

    /** A manifest as {@link #write} stored it (all resources explicit); site maxima are not applied again. */
    public static TemplateManifest stored(String text) {
        try {
            return read(STORED.readTree(text), TemplateLimits.standard().defaults());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a stored template manifest is not JSON", e);
        }
    }

    /** The canonical text stored for a version: fixed field order, every resource explicit, environment sorted. */
    public static String write(TemplateManifest manifest) {
        try {
            return STORED.writeValueAsString(toJson(manifest));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode toJson(TemplateManifest manifest) {
        ObjectNode root = NODES.objectNode();
        root.put("name", manifest.name().value());
        manifest.description().ifPresent(text -> root.put("description", text));
        root.put("image", manifest.image().value());
        ArrayNode command = root.putArray("command");
        manifest.command().forEach(command::add);
        ObjectNode environment = root.putObject("environment");
        manifest.environment().forEach(environment::put);
        ObjectNode resources = root.putObject("resources");
        for (Resources.Field field : Resources.Field.values()) {
            resources.put(field.key(), field.of(manifest.resources()));
        }
        ArrayNode secrets = root.putArray("secrets");
        manifest.secrets().forEach(secret -> secrets.add(secret.value()));
        ArrayNode egress = root.putArray("egress");
        for (EgressAllowance allowance : manifest.egress()) {
            ObjectNode item = egress.addObject();
            allowance.host().ifPresent(host -> item.put("host", host));
            allowance.cidr().ifPresent(cidr -> item.put("cidr", cidr));
            ArrayNode ports = item.putArray("ports");
            allowance.ports().forEach(ports::add);
            item.put("protocol", allowance.protocol().value());
        }
        return root;
    }

    static ApiException invalid(ManifestViolation violation) {
        String pointer = violation.pointer().isEmpty() ? "(document)" : violation.pointer();
        return new ApiException(ErrorCode.INVALID_MANIFEST, pointer + ": " + violation.reason());
    }

    private static TemplateManifest read(JsonNode document, Resources defaults) {
        ObjectNode root = object(document, "");
        onlyKnownFields(root, FIELDS, "");
        TemplateName name = TemplateName.parse(text(required(root, "name", ""), "/name"))
                .orElseThrow(() -> new ManifestViolation("/name", "not a valid name (1 to " + TemplateName.MAX_LENGTH
                        + " of A-Z a-z 0-9 . _ -, starting with a letter or digit)"));
        Optional<String> description = optional(root, "description").map(node -> text(node, "/description"));
        String imageText = text(required(root, "image", ""), "/image");
        ImageDigest image = ImageDigest.parse(imageText).orElseThrow(() -> new ManifestViolation("/image",
                "not an image digest (sha256: and 64 lower-case hex digits; tags are not accepted)"));
        List<String> command = texts(array(required(root, "command", ""), "/command", TemplateManifest.MAX_ARGUMENTS), "/command");
        TreeMap<String, String> environment = new TreeMap<>();
        optional(root, "environment").ifPresent(node -> {
            ObjectNode variables = object(node, "/environment");
            if (variables.size() > TemplateManifest.MAX_VARIABLES) {
                throw new ManifestViolation("/environment", "more than " + TemplateManifest.MAX_VARIABLES + " variables");
            }
            variables.fields().forEachRemaining(entry -> environment.put(entry.getKey(),
                    text(entry.getValue(), "/environment/" + ManifestPointer.escape(entry.getKey()))));
        });
        Resources resources = optional(root, "resources").map(node -> resources(node, defaults)).orElse(defaults);
        List<SecretName> secrets = new ArrayList<>();
        optional(root, "secrets").ifPresent(node -> {
            List<String> names = texts(array(node, "/secrets", TemplateManifest.MAX_SECRETS), "/secrets");
            for (int i = 0; i < names.size(); i++) {
                int index = i;
                secrets.add(SecretName.parse(names.get(i)).orElseThrow(() -> new ManifestViolation("/secrets/" + index,
                        "not a valid secret name")));
            }
        });
        List<EgressAllowance> egress = new ArrayList<>();
        optional(root, "egress").ifPresent(node -> {
            ArrayNode items = array(node, "/egress", TemplateManifest.MAX_EGRESS);
            for (int i = 0; i < items.size(); i++) {
                try {
                    egress.add(egressAllowance(items.get(i)));
                } catch (ManifestViolation violation) {
                    throw violation.under("/egress/" + i);
                }
            }
        });
        return new TemplateManifest(name, description, image, command, environment, resources, secrets, egress);
    }

    private static Resources resources(JsonNode node, Resources defaults) {
        ObjectNode given = object(node, "/resources");
        int[] values = new int[Resources.Field.values().length];
        Set<String> keys = new java.util.HashSet<>();
        for (Resources.Field field : Resources.Field.values()) {
            keys.add(field.key());
            values[field.ordinal()] = optional(given, field.key())
                    .map(value -> integer(value, "/resources/" + field.key()))
                    .orElse(field.of(defaults));
        }
        onlyKnownFields(given, keys, "/resources");
        try {
            return new Resources(values[0], values[1], values[2], values[3], values[4]);
        } catch (ManifestViolation violation) {
            throw violation.under("/resources");
        }
    }

    private static EgressAllowance egressAllowance(JsonNode node) {
        ObjectNode item = object(node, "");
        onlyKnownFields(item, EGRESS_FIELDS, "");
        Optional<String> host = optional(item, "host").map(value -> text(value, "/host"));
        Optional<String> cidr = optional(item, "cidr").map(value -> text(value, "/cidr"));
        ArrayNode portNodes = array(required(item, "ports", ""), "/ports", EgressAllowance.MAX_PORTS);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < portNodes.size(); i++) {
            ports.add(integer(portNodes.get(i), "/ports/" + i));
        }
        Protocol protocol = Protocol.parse(text(required(item, "protocol", ""), "/protocol"))
                .orElseThrow(() -> new ManifestViolation("/protocol", "not tcp or udp"));
        return new EgressAllowance(host, cidr, ports, protocol);
    }

    private static ObjectNode object(JsonNode node, String pointer) {
        if (!(node instanceof ObjectNode object)) {
            throw new ManifestViolation(pointer, "not an object");
        }
        return object;
    }

    private static ArrayNode array(JsonNode node, String pointer, int maxItems) {
        if (!(node instanceof ArrayNode array)) {
            throw new ManifestViolation(pointer, "not an array");
        }
        if (array.size() > maxItems) {
            throw new ManifestViolation(pointer, "more than " + maxItems + " items");
        }
        return array;
    }

    private static String text(JsonNode node, String pointer) {
        if (!node.isTextual()) {
            throw new ManifestViolation(pointer, "not a string");
        }
        return node.textValue();
    }

    private static List<String> texts(ArrayNode array, String pointer) {
        List<String> values = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            values.add(text(array.get(i), pointer + "/" + i));
        }
        return values;
    }

    /** An integer as JSON Schema counts them: any number without a fractional part, so {@code 1000.0} is one. */
    private static int integer(JsonNode node, String pointer) {
        if (!node.isNumber()) {
            throw new ManifestViolation(pointer, "not an integer");
        }
        if (node.isDouble() && !Double.isFinite(node.doubleValue())) {
            throw new ManifestViolation(pointer, "out of range");
        }
        BigDecimal value = node.decimalValue();
        if (value.signum() != 0 && value.stripTrailingZeros().scale() > 0) {
            throw new ManifestViolation(pointer, "not an integer");
        }
        try {
            return value.intValueExact();
        } catch (ArithmeticException e) {
            throw new ManifestViolation(pointer, "out of range");
        }
    }

    private static JsonNode required(ObjectNode object, String field, String pointer) {
        JsonNode value = object.get(field);
        if (value == null) {
            throw new ManifestViolation(pointer + "/" + field, "missing");
        }
        return value;
    }

    private static Optional<JsonNode> optional(ObjectNode object, String field) {
        return Optional.ofNullable(object.get(field));
    }

    private static void onlyKnownFields(ObjectNode object, Set<String> known, String pointer) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new ManifestViolation(pointer + "/" + ManifestPointer.escape(name), "unknown field");
            }
        }
    }
}
