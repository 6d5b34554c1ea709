package ca.heroa.appliance.template;

import ca.heroa.appliance.workspace.WorkspaceId;

import static java.util.Objects.requireNonNull;

/** One version of one template of one workspace. */
public record TemplateKey(WorkspaceId workspace, TemplateName name, int version) {
    public TemplateKey {
        requireNonNull(workspace, "workspace is null");
        requireNonNull(name, "name is null");
        if (version < 1) {
            throw new IllegalArgumentException("template versions start at 1");
        }
    }

    /** {@code name:version}, as tasks and audit entries name it. */
    public String reference() {
        return name.value() + ":" + version;
    }
}
