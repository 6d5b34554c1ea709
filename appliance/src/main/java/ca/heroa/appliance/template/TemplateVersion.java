package ca.heroa.appliance.template;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A stored version. Everything but {@link #status} is fixed when it is created: a change is a new version.
 *
 * @param createdBy the actor that created it ({@code workspace-token:...}, {@code tenant-admin:...}); no reviewer may be it
 */
public record TemplateVersion(TemplateKey key, TemplateStatus status, TemplateManifest manifest, Instant createdAt, String createdBy) {
    public TemplateVersion {
        requireNonNull(key, "key is null");
        requireNonNull(status, "status is null");
        requireNonNull(manifest, "manifest is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
        if (!manifest.name().equals(key.name())) {
            throw new IllegalArgumentException("a version's manifest names another template");
        }
    }

    public TemplateVersion withStatus(TemplateStatus newStatus) {
        return new TemplateVersion(key, newStatus, manifest, createdAt, createdBy);
    }
}
