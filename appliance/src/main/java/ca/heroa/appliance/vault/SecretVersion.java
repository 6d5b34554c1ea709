package ca.heroa.appliance.vault;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** Metadata of one version of a secret; never its value. */
public record SecretVersion(SecretName name, int version, Instant createdAt, String createdBy) {
    public SecretVersion {
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
    }
}
