package ca.heroa.appliance.vault;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A secret in a listing: its name, newest version and how many versions are kept; never a value. */
public record SecretSummary(SecretName name, int latestVersion, int versions, Instant updatedAt, String updatedBy) {
    public SecretSummary {
        requireNonNull(name, "name is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(updatedBy, "updatedBy is null");
    }
}
