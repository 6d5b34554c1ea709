package ca.heroa.appliance.podman;

import ca.heroa.appliance.image.ImageDigest;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An image in Podman's storage.
 *
 * @param id        its ID
 * @param sizeBytes its size unpacked, as Podman reports it
 * @param names     its names (repository tags)
 */
public record ImageInfo(ImageDigest id, long sizeBytes, List<String> names) {
    public ImageInfo {
        requireNonNull(id, "id is null");
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative");
        }
        names = List.copyOf(requireNonNull(names, "names is null"));
    }
}
