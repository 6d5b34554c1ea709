package ca.heroa.appliance.task;

import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.vault.SecretName;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.residency.plan.Allowance;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What the runtime needs from a resolved template version: the reviewed manifest's image, command, environment,
 * resources, secret names and egress allowances, and where it came from (for the audit entry).
 */
public record RunnableTemplate(WorkspaceId owner, String name, int version, ImageDigest image, List<String> command,
                               Map<String, String> environment, Limits limits, List<SecretName> secrets, List<Allowance> egress) {
    public RunnableTemplate {
        requireNonNull(owner, "owner is null");
        requireNonNull(name, "name is null");
        requireNonNull(image, "image is null");
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        requireNonNull(limits, "limits is null");
        secrets = List.copyOf(secrets);
        egress = List.copyOf(egress);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("a template's command is not empty");
        }
    }

    /** The container's limits; the template's validation keeps them within the site's maxima. */
    public record Limits(long cpuMillis, long memoryMiB, long pids, long tmpfsMiB, long timeoutSeconds) {
        public Limits {
            if (cpuMillis < 1 || memoryMiB < 1 || pids < 1 || tmpfsMiB < 1 || timeoutSeconds < 1) {
                throw new IllegalArgumentException("task limits are positive");
            }
        }
    }
}
