package ca.heroa.appliance.state;

import io.helidon.config.Config;

/**
 * The {@code heroa.state} configuration node; every key is optional and defaulted.
 *
 * @param maxValueBytes          largest value accepted ({@code max-value-bytes}, default 1 MiB, at most 64 MiB)
 * @param maxObjectsPerWorkspace objects a workspace may hold ({@code max-objects-per-workspace}, default 10000)
 */
public record StateSettings(int maxValueBytes, int maxObjectsPerWorkspace) {
    public static final int DEFAULT_MAX_VALUE_BYTES = 1 << 20;
    public static final int DEFAULT_MAX_OBJECTS = 10_000;

    public StateSettings {
        // Values are held in memory whole while sealed or opened, so the ceiling is a memory bound, not a taste.
        if (maxValueBytes < 1 || maxValueBytes > 64 << 20) {
            throw new IllegalArgumentException("heroa.state.max-value-bytes must be 1 to " + (64 << 20) + ", not " + maxValueBytes);
        }
        if (maxObjectsPerWorkspace < 1) {
            throw new IllegalArgumentException("heroa.state.max-objects-per-workspace must be at least 1, not " + maxObjectsPerWorkspace);
        }
    }

    public static StateSettings defaults() {
        return new StateSettings(DEFAULT_MAX_VALUE_BYTES, DEFAULT_MAX_OBJECTS);
    }

    public static StateSettings from(Config state) {
        return new StateSettings(state.get("max-value-bytes").asInt().orElse(DEFAULT_MAX_VALUE_BYTES),
                state.get("max-objects-per-workspace").asInt().orElse(DEFAULT_MAX_OBJECTS));
    }
}
