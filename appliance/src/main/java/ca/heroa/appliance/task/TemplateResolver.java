package ca.heroa.appliance.task;

import ca.heroa.appliance.workspace.WorkspaceId;

import java.util.Optional;

/** Finds the template a task asks for: the caller's own, or a public (reviewed and approved) one. */
@FunctionalInterface
public interface TemplateResolver {
    Optional<RunnableTemplate> resolve(WorkspaceId caller, String name, Optional<Integer> version);
}
