package ca.heroa.appliance.template;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A template as a workspace's list shows it.
 *
 * @param owned         it belongs to the listing workspace (otherwise it is another workspace's public template)
 * @param published     some version is approved, so other workspaces can see and run it
 * @param latestVersion the newest version the listing workspace can use (for another workspace's template: the newest approved)
 * @param status        that version's status
 */
public record TemplateSummary(TemplateName name, boolean owned, boolean published, int latestVersion, TemplateStatus status, Instant updatedAt) {
    public TemplateSummary {
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
        requireNonNull(updatedAt, "updatedAt is null");
    }
}
