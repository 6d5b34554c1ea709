package ca.heroa.appliance.http;

import io.helidon.config.Config;

/**
 * Explicit limits on every JSON request body.
 *
 * @param maxBodyBytes     largest accepted request body, in bytes (default 65536)
 * @param maxDepth         deepest accepted nesting of objects and arrays (default 16)
 * @param maxStringLength  longest accepted string value or field name, in characters (default 4096)
 */
public record JsonLimits(int maxBodyBytes, int maxDepth, int maxStringLength) {
    public JsonLimits {
        if (maxBodyBytes < 1024 || maxDepth < 2 || maxStringLength < 64) {
            throw new IllegalArgumentException("JSON limits are too small to be useful: " + maxBodyBytes + "/" + maxDepth + "/" + maxStringLength);
        }
    }

    public static JsonLimits defaults() {
        return new JsonLimits(65_536, 16, 4_096);
    }

    /** Reads the {@code limits} config node; every key is optional and defaulted. */
    public static JsonLimits from(Config config) {
        JsonLimits defaults = defaults();
        return new JsonLimits(
                config.get("max-body-bytes").asInt().orElse(defaults.maxBodyBytes()),
                config.get("max-json-depth").asInt().orElse(defaults.maxDepth()),
                config.get("max-string-length").asInt().orElse(defaults.maxStringLength()));
    }
}
