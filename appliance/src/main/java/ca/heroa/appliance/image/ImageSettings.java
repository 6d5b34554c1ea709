package ca.heroa.appliance.image;

import io.helidon.config.Config;

/**
 * The {@code heroa.images} configuration node.
 *
 * @param maxArchiveBytes defaulted to 512 MiB; largest image archive accepted for upload (larger is a 413)
 * @param maxPerWorkspace defaulted to 50; images a workspace may hold (beyond, 409)
 */
public record ImageSettings(long maxArchiveBytes, int maxPerWorkspace) {
    public static final long DEFAULT_MAX_ARCHIVE_BYTES = 512L * 1024 * 1024;

    public ImageSettings {
        if (maxArchiveBytes < 1024) {
            throw new IllegalArgumentException("heroa.images.max-archive-bytes is at least 1024");
        }
        if (maxPerWorkspace < 1) {
            throw new IllegalArgumentException("heroa.images.max-per-workspace is at least 1");
        }
    }

    public static ImageSettings from(Config images) {
        return new ImageSettings(images.get("max-archive-bytes").asLong().orElse(DEFAULT_MAX_ARCHIVE_BYTES),
                images.get("max-per-workspace").asInt().orElse(50));
    }
}
