package ca.heroa.appliance.image;

import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * How templates and tasks name an image: the SHA-256 digest of its configuration, {@code sha256:<64 hex>}, which is
 * also the image's ID in Podman's storage. A digest names content, so a tag moved or re-pushed cannot change what a
 * reviewed template runs.
 */
public record ImageDigest(String value) {
    private static final Pattern FORM = Pattern.compile("sha256:[0-9a-f]{64}");

    public ImageDigest {
        requireNonNull(value, "value is null");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("an image digest is sha256: followed by 64 lower-case hex digits");
        }
    }

    public static Optional<ImageDigest> parse(String value) {
        return value != null && value.length() == 71 && FORM.matcher(value).matches() ? Optional.of(new ImageDigest(value)) : Optional.empty();
    }

    /** The 64 hex digits, as Podman's image ID. */
    public String hex() {
        return value.substring("sha256:".length());
    }

    @Override
    public String toString() {
        return value;
    }
}
