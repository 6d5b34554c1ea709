package ca.heroa.appliance.template;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where template versions and their review history are stored. Every change is audited in its own transaction: if the
 * audit entry cannot be written, the change does not happen. Versions are never updated except for their status.
 */
public interface TemplateStore {
    /** Outcome of {@link #create}. */
    sealed interface Create {
        record Created(TemplateVersion version) implements Create {
        }

        /** The workspace holds as many versions as it may. */
        record WorkspaceFull(int limit) implements Create {
        }

        record WorkspaceMissing() implements Create {
        }
    }

    /** Outcome of {@link #transition}. */
    sealed interface Transition {
        record Done(TemplateVersion version) implements Transition {
        }

        record Missing() implements Transition {
        }

        /** The guard refused; nothing changed. */
        record Refused(Refusal refusal, TemplateVersion version) implements Transition {
        }

        /** Approval would make a second public template of this name (another workspace published it first). */
        record NameTaken(TemplateVersion version) implements Transition {
        }
    }

    /** Why a transition is refused, decided on the version read under its row lock. */
    sealed interface Refusal {
        record WrongStatus(TemplateStatus status) implements Refusal {
        }

        /** The reviewer is the version's author. */
        record SelfReview() implements Refusal {
        }
    }

    /** Stores {@code manifest} as the next version of its name in {@code workspace}, status {@link TemplateStatus#PRIVATE}. */
    Create create(WorkspaceId workspace, TemplateManifest manifest, Instant at, String createdBy, int maxVersions,
                  Function<TemplateVersion, AuditEvent> event);

    /**
     * Moves {@code key} to {@code to} if {@code guard} (given the version as locked) finds nothing to refuse, and records
     * {@code review} in its history. Approving also claims the tenant-wide public name, or answers {@link Transition.NameTaken}.
     * {@code events} gives the audit entries for the outcome (none, or e.g. a denied entry for a refusal).
     */
    Transition transition(TemplateKey key, TemplateStatus to, Function<TemplateVersion, Optional<Refusal>> guard, ReviewEvent review,
                          Function<Transition, List<AuditEvent>> events);

    Optional<TemplateVersion> version(TemplateKey key);

    /** Every version of {@code name} in {@code workspace}, newest first. */
    List<TemplateVersion> versions(WorkspaceId workspace, TemplateName name);

    /** The newest version of {@code name} in {@code workspace}, or the given one. */
    Optional<TemplateVersion> own(WorkspaceId workspace, TemplateName name, Optional<Integer> version);

    /** The public (approved) version of {@code name}, whatever workspace published it: the newest, or the given one. */
    Optional<TemplateVersion> approved(TemplateName name, Optional<Integer> version);

    /** Approved versions of the public template {@code name}, newest first; empty if there is none. */
    List<TemplateVersion> approvedVersions(TemplateName name);

    /** The history of one version, oldest first. */
    List<ReviewEvent> history(TemplateKey key);

    /** {@code workspace}'s own templates, and the public ones of other workspaces whose names it does not use itself. */
    List<TemplateSummary> visibleTo(WorkspaceId workspace);

    /** Versions awaiting review, in every workspace, oldest first, at most {@code limit}. */
    List<TemplateVersion> pending(int limit);

    /** A version that runs {@code image} and is usable from {@code workspace} (its own, or approved anywhere), as {@code name:version}. */
    Optional<String> imageUsedBy(WorkspaceId workspace, ImageDigest image);
}
