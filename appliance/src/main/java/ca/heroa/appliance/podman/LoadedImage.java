package ca.heroa.appliance.podman;

import ca.heroa.appliance.image.ImageDigest;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An image an archive put into Podman's storage.
 *
 * @param id    its ID (the digest of its configuration)
 * @param names the names the archive gave it, e.g. {@code localhost/heroa-base:1}; possibly none
 */
public record LoadedImage(ImageDigest id, List<String> names) {
    public LoadedImage {
        requireNonNull(id, "id is null");
        names = List.copyOf(requireNonNull(names, "names is null"));
    }
}
