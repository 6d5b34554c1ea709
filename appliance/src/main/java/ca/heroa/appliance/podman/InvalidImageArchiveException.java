package ca.heroa.appliance.podman;

import ca.heroa.appliance.image.ImageDigest;

import java.util.List;

/**
 * Podman could not read an archive as exactly one image. {@link #loaded()} names what it did load, if anything, for
 * the caller to remove (it may already have been in storage for another reason, so the client leaves that decision).
 */
public class InvalidImageArchiveException extends PodmanException {
    private final transient List<ImageDigest> loaded;
    private final String reason;

    public InvalidImageArchiveException(int status, String reason, List<ImageDigest> loaded) {
        super(status, reason);
        this.reason = reason;
        this.loaded = List.copyOf(loaded);
    }

    /** Why, in words fit for the uploader (no host paths). */
    public String reason() {
        return reason;
    }

    public List<ImageDigest> loaded() {
        return loaded;
    }
}
