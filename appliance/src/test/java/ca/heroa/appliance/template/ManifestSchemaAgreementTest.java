package ca.heroa.appliance.template;

import ca.heroa.appliance.api.TemplateService;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published JSON Schema and the appliance's parser say the same thing: every example in
 * {@code templates/manifest-examples.json} is accepted by both or refused by both (refusals name the expected place).
 * The few rules a schema cannot state (total command size, the site's own maxima) are listed apart, and there the
 * schema must accept what the parser refuses, so the list stays honest.
 */
class ManifestSchemaAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode examples;
    private static JsonNode schemaDocument;
    private static JsonSchema schema;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = ManifestSchemaAgreementTest.class.getResourceAsStream("/templates/manifest-examples.json")) {
            assertNotNull(in, "templates/manifest-examples.json is on the test class path");
            examples = JSON.readTree(in);
        }
        try (InputStream in = ManifestSchemaAgreementTest.class.getResourceAsStream(TemplateService.SCHEMA_RESOURCE)) {
            assertNotNull(in, "the schema is on the class path at " + TemplateService.SCHEMA_RESOURCE);
            schemaDocument = JSON.readTree(in);
        }
        schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaDocument);
    }

    @Test
    void theSchemaIsDraft202012AndValidAgainstItsMetaSchema() {
        assertEquals("https://json-schema.org/draft/2020-12/schema", schemaDocument.get("$schema").asText());
        JsonSchema meta = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(java.net.URI.create("https://json-schema.org/draft/2020-12/schema"));
        Set<ValidationMessage> problems = meta.validate(schemaDocument);
        assertTrue(problems.isEmpty(), "the schema follows the 2020-12 meta-schema: " + problems);
    }

    @Test
    void theSchemaUsesTheParsersOwnExpressions() {
        JsonNode properties = schemaDocument.get("properties");
        assertEquals(TemplateName.PATTERN, properties.at("/name/pattern").asText(), "name pattern");
        assertEquals(TemplateManifest.VARIABLE_PATTERN, properties.at("/environment/propertyNames/pattern").asText(), "variable names");
        JsonNode egress = schemaDocument.at("/$defs/egressAllowance/properties");
        assertEquals(TemplateManifest.EgressAllowance.HOST_PATTERN, egress.at("/host/pattern").asText(), "host pattern");
        assertEquals(TemplateManifest.EgressAllowance.IPV4_CIDR_PATTERN, egress.at("/cidr/anyOf/0/pattern").asText(), "IPv4 CIDR pattern");
        assertEquals(TemplateManifest.EgressAllowance.IPV6_CIDR_PATTERN, egress.at("/cidr/anyOf/1/pattern").asText(), "IPv6 CIDR pattern");
        for (TemplateManifest.Resources.Field field : TemplateManifest.Resources.Field.values()) {
            JsonNode bounds = properties.at("/resources/properties/" + field.key());
            assertEquals(field.minimum(), bounds.get("minimum").asInt(), field.key() + " minimum");
            assertEquals(field.ceiling(), bounds.get("maximum").asInt(), field.key() + " maximum");
        }
    }

    @TestFactory
    List<DynamicTest> validExamplesAreAcceptedByBoth() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode example : examples.get("valid")) {
            tests.add(DynamicTest.dynamicTest(example.get("why").asText(), () -> {
                Set<ValidationMessage> problems = schema.validate(example.get("manifest"));
                assertTrue(problems.isEmpty(), "the schema accepts it: " + problems);
                Optional<String> refusal = parserRefusal(example.get("manifest"));
                assertEquals(Optional.empty(), refusal, "the parser accepts it");
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> invalidExamplesAreRefusedByBoth() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode example : examples.get("invalid")) {
            tests.add(DynamicTest.dynamicTest(example.get("why").asText(), () -> {
                Set<ValidationMessage> problems = schema.validate(example.get("manifest"));
                assertTrue(!problems.isEmpty(), "the schema refuses it");
                assertRefusedAt(example);
            }));
        }
        return tests;
    }

    @TestFactory
    List<DynamicTest> serverOnlyRulesAreAcceptedByTheSchemaAndRefusedByTheParser() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode example : examples.get("serverOnly")) {
            tests.add(DynamicTest.dynamicTest(example.get("why").asText(), () -> {
                Set<ValidationMessage> problems = schema.validate(example.get("manifest"));
                assertTrue(problems.isEmpty(), "the schema cannot state this rule, so accepts it: " + problems);
                assertRefusedAt(example);
            }));
        }
        return tests;
    }

    /**
     * Cases where validators differ by regular-expression dialect; the schema is written for ECMA-262 as JSON Schema
     * specifies. The parser must refuse them whatever this test's validator says.
     */
    @TestFactory
    List<DynamicTest> regexDialectCasesAreRefusedByTheParser() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode example : examples.get("regexDialect")) {
            tests.add(DynamicTest.dynamicTest(example.get("why").asText(), () -> assertRefusedAt(example)));
        }
        return tests;
    }

    private static void assertRefusedAt(JsonNode example) {
        String refusal = parserRefusal(example.get("manifest")).orElseThrow(() -> new AssertionError("the parser refuses it"));
        String pointer = example.get("pointer").asText();
        assertTrue(refusal.startsWith(pointer + ": "), "the refusal names " + pointer + ", got: " + refusal);
    }

    /** The parser's invalid_manifest reason, or empty if it accepts the manifest. */
    private static Optional<String> parserRefusal(JsonNode manifest) {
        try {
            ManifestJson.parse(manifest, TemplateLimits.standard());
            return Optional.empty();
        } catch (ApiException e) {
            assertEquals(ErrorCode.INVALID_MANIFEST, e.code(), "a refused manifest is an invalid_manifest problem");
            assertEquals(1, e.arguments().size(), "one argument: where and why");
            return Optional.of(e.arguments().getFirst());
        }
    }
}
