package ca.heroa.appliance.template;

import ca.heroa.appliance.workspace.WorkspaceId;

import static java.util.Objects.requireNonNull;

/**
 * The template version a task of some workspace runs.
 *
 * @param owner the workspace the template belongs to (the caller's own, or, for a public one, its author's). Secrets
 *              are still the caller's: a public template names secrets, the running workspace provides them.
 */
public record ResolvedTemplate(WorkspaceId owner, String name, int version, TemplateStatus status, TemplateManifest manifest) {
    public ResolvedTemplate {
        requireNonNull(owner, "owner is null");
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
        requireNonNull(manifest, "manifest is null");
    }

    static ResolvedTemplate of(TemplateVersion version) {
        return new ResolvedTemplate(version.key().workspace(), version.key().name().value(), version.key().version(), version.status(),
                version.manifest());
    }
}
