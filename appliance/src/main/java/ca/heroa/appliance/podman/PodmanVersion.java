package ca.heroa.appliance.podman;

import static java.util.Objects.requireNonNull;

/**
 * What the Podman service reports about itself.
 *
 * @param version    Podman's release, e.g. {@code 4.3.1}
 * @param apiVersion the libpod API version it serves, e.g. {@code 4.3.1}
 */
public record PodmanVersion(String version, String apiVersion) {
    public PodmanVersion {
        requireNonNull(version, "version is null");
        requireNonNull(apiVersion, "apiVersion is null");
    }
}
