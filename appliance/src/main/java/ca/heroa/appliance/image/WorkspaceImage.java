package ca.heroa.appliance.image;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * An image a workspace uploaded.
 *
 * @param digest        the image's ID in Podman's storage, which templates name
 * @param archiveSha256 SHA-256 of the uploaded archive, hex, as the uploader's Content-Digest named it
 * @param sizeBytes     the archive's size
 * @param names         names the archive gave the image (informative only: a name can be moved, a digest cannot)
 * @param createdAt     when it was uploaded
 * @param createdBy     who uploaded it (audit actor)
 */
public record WorkspaceImage(ImageDigest digest, String archiveSha256, long sizeBytes, List<String> names, Instant createdAt, String createdBy) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public WorkspaceImage {
        requireNonNull(digest, "digest is null");
        requireNonNull(archiveSha256, "archiveSha256 is null");
        if (!HEX.matcher(archiveSha256).matches()) {
            throw new IllegalArgumentException("archiveSha256 is 64 lower-case hex digits");
        }
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes is negative");
        }
        names = List.copyOf(requireNonNull(names, "names is null"));
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
