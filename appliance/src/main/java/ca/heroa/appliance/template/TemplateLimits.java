package ca.heroa.appliance.template;

import ca.heroa.appliance.template.TemplateManifest.Resources;
import io.helidon.config.Config;

import static java.util.Objects.requireNonNull;

/**
 * The {@code heroa.templates} configuration node: the site's resource maxima, the defaults a manifest gets for what it
 * leaves out, and how many template versions a workspace may hold. Every key is optional:
 * <pre>
 * max-cpu-millis 4000        default-cpu-millis 1000
 * max-memory-mib 4096        default-memory-mib 256
 * max-pids 1024              default-pids 128
 * max-tmpfs-mib 1024         default-tmpfs-mib 64
 * max-timeout-seconds 3600   default-timeout-seconds 60
 * max-versions-per-workspace 500
 * </pre>
 *
 * @param defaults                what a manifest gets for a resource it leaves out (written into the stored version)
 * @param maxima                  the most a manifest may ask for
 * @param maxVersionsPerWorkspace template versions (all names, all statuses) one workspace may hold
 */
public record TemplateLimits(Resources defaults, Resources maxima, int maxVersionsPerWorkspace) {
    private static final Resources DEFAULTS = new Resources(1000, 256, 128, 64, 60);
    private static final Resources MAXIMA = new Resources(4000, 4096, 1024, 1024, 3600);

    public TemplateLimits {
        requireNonNull(defaults, "defaults is null");
        requireNonNull(maxima, "maxima is null");
        for (Resources.Field field : Resources.Field.values()) {
            if (field.of(defaults) > field.of(maxima)) {
                throw new IllegalArgumentException("heroa.templates.default-" + field.configKey() + " (" + field.of(defaults)
                        + ") is above heroa.templates.max-" + field.configKey() + " (" + field.of(maxima) + ")");
            }
        }
        if (maxVersionsPerWorkspace < 1 || maxVersionsPerWorkspace > 1_000_000) {
            throw new IllegalArgumentException("heroa.templates.max-versions-per-workspace must be between 1 and 1000000");
        }
    }

    public static TemplateLimits standard() {
        return new TemplateLimits(DEFAULTS, MAXIMA, 500);
    }

    public static TemplateLimits from(Config templates) {
        return new TemplateLimits(resources(templates, "default-", DEFAULTS), resources(templates, "max-", MAXIMA),
                templates.get("max-versions-per-workspace").asInt().orElse(500));
    }

    private static Resources resources(Config templates, String prefix, Resources fallback) {
        int[] values = new int[Resources.Field.values().length];
        for (Resources.Field field : Resources.Field.values()) {
            values[field.ordinal()] = templates.get(prefix + field.configKey()).asInt().orElse(field.of(fallback));
        }
        try {
            return new Resources(values[0], values[1], values[2], values[3], values[4]);
        } catch (ManifestViolation e) {
            throw new IllegalArgumentException("heroa.templates." + prefix + "*: " + e.getMessage(), e);
        }
    }

    /** Refuses resources above this site's maxima (the manifest itself already holds them within the ceilings). */
    public void check(Resources resources) {
        for (Resources.Field field : Resources.Field.values()) {
            if (field.of(resources) > field.of(maxima)) {
                throw new ManifestViolation("/resources/" + field.key(), "above the site maximum " + field.of(maxima));
            }
        }
    }
}
