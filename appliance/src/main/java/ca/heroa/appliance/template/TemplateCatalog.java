package ca.heroa.appliance.template;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.egress.EgressRefusals;
import ca.heroa.appliance.audit.Outcome;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.image.ImageDigest;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.residency.plan.Allowance;
import ca.heroa.residency.plan.Refusal;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Templates of the tenant (promise 6): a workspace creates private versions, submits one for review, and a tenant admin
 * who did not create it approves it, which makes it public, or rejects it with a comment. A workspace sees and runs its
 * own versions and the approved versions of others; another workspace's private or pending version is, to it, a
 * template that does not exist.
 */
public final class TemplateCatalog {
    /** The longest list of pending reviews one request returns. */
    public static final int MAX_PENDING = 500;
    private final TemplateStore store;
    private final WorkspaceImages images;
    private final TemplateLimits limits;
    private final Clock clock;
    private final Function<List<Allowance>, List<Refusal>> egressCheck;

    /**
     * @param egressCheck what can be decided about a manifest's egress without resolving names (literal blocks whole,
     *                    names against the site allowances); the refused endpoints, empty when none
     */
    public TemplateCatalog(TemplateStore store, WorkspaceImages images, TemplateLimits limits, Clock clock,
                           Function<List<Allowance>, List<Refusal>> egressCheck) {
        this.store = requireNonNull(store, "store is null");
        this.images = requireNonNull(images, "images is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.egressCheck = requireNonNull(egressCheck, "egressCheck is null");
    }

    public TemplateLimits limits() {
        return limits;
    }

    /** A visible version of a workspace's template, with what the viewer may see of its history. */
    public record View(TemplateVersion version, boolean owned, List<ReviewEvent> history) {
        public View {
            requireNonNull(version, "version is null");
            history = List.copyOf(history);
        }
    }

    /** Stores {@code manifest} (already parsed and within the site's limits) as the next private version of its name. */
    public TemplateVersion create(WorkspaceId workspace, TemplateManifest manifest, AuditEvent.Context context) {
        List<Refusal> refused = egressCheck.apply(manifest.egressAllowances());
        if (!refused.isEmpty()) {
            throw EgressRefusals.problem(refused);
        }
        if (!images.holds(workspace, manifest.image())) {
            throw new ApiException(ErrorCode.UNKNOWN_IMAGE, manifest.image().value());
        }
        TemplateStore.Create outcome = store.create(workspace, manifest, now(), context.actor(), limits.maxVersionsPerWorkspace(),
                created -> AuditEvent.success(context, Optional.of(workspace.value()), "template.create", target(created.key()),
                        details(created, Map.of())));
        return switch (outcome) {
            case TemplateStore.Create.Created created -> created.version();
            case TemplateStore.Create.WorkspaceFull full -> throw new ApiException(ErrorCode.TEMPLATE_LIMIT, Integer.toString(full.limit()));
            case TemplateStore.Create.WorkspaceMissing missing -> throw new ApiException(ErrorCode.NOT_FOUND);
        };
    }

    /** PRIVATE or REJECTED → PENDING_REVIEW, by the workspace that owns the version. */
    public TemplateVersion submit(TemplateKey key, AuditEvent.Context context) {
        ReviewEvent review = new ReviewEvent(ReviewEvent.Action.SUBMITTED, context.actor(), now(), Optional.empty());
        return done(store.transition(key, TemplateStatus.PENDING_REVIEW,
                version -> allowedFrom(version, Set.of(TemplateStatus.PRIVATE, TemplateStatus.REJECTED)),
                review, outcome -> audited(outcome, context, "template.submit", review)));
    }

    /** PENDING_REVIEW → APPROVED, by a tenant admin (the caller checks) who is not the author: the version becomes public. */
    public TemplateVersion approve(TemplateKey key, Optional<String> comment, AuditEvent.Context reviewer) {
        return review(key, TemplateStatus.APPROVED, ReviewEvent.Action.APPROVED, comment, reviewer, "template.approve");
    }

    /** PENDING_REVIEW → REJECTED with a comment, by a tenant admin (the caller checks) who is not the author. */
    public TemplateVersion reject(TemplateKey key, String comment, AuditEvent.Context reviewer) {
        requireNonNull(comment, "comment is null");
        return review(key, TemplateStatus.REJECTED, ReviewEvent.Action.REJECTED, Optional.of(comment), reviewer, "template.reject");
    }

    private TemplateVersion review(TemplateKey key, TemplateStatus to, ReviewEvent.Action action, Optional<String> comment,
                                   AuditEvent.Context reviewer, String auditAction) {
        ReviewEvent review = new ReviewEvent(action, reviewer.actor(), now(), comment);
        return done(store.transition(key, to, version -> {
            Optional<TemplateStore.Refusal> wrongStatus = allowedFrom(version, Set.of(TemplateStatus.PENDING_REVIEW));
            if (wrongStatus.isPresent()) {
                return wrongStatus;
            }
            // Identity is the token: the actor that created the version may not be the one that reviews it.
            return version.createdBy().equals(reviewer.actor()) ? Optional.of(new TemplateStore.Refusal.SelfReview()) : Optional.empty();
        }, review, outcome -> audited(outcome, reviewer, auditAction, review)));
    }

    private static Optional<TemplateStore.Refusal> allowedFrom(TemplateVersion version, Set<TemplateStatus> from) {
        return from.contains(version.status()) ? Optional.empty() : Optional.of(new TemplateStore.Refusal.WrongStatus(version.status()));
    }

    /** Success entries for a change; a denied entry for an attempt to review one's own version, which is worth knowing about. */
    private static List<AuditEvent> audited(TemplateStore.Transition outcome, AuditEvent.Context context, String action, ReviewEvent review) {
        return switch (outcome) {
            case TemplateStore.Transition.Done done -> List.of(AuditEvent.success(context, Optional.of(done.version().key().workspace().value()),
                    action, target(done.version().key()), details(done.version(), commentDetails(review))));
            case TemplateStore.Transition.Refused refused -> switch (refused.refusal()) {
                case TemplateStore.Refusal.SelfReview self -> List.of(AuditEvent.of(context,
                        Optional.of(refused.version().key().workspace().value()), action, target(refused.version().key()), Outcome.DENIED,
                        details(refused.version(), Map.of("reason", "self-review"))));
                case TemplateStore.Refusal.WrongStatus wrong -> List.of();
            };
            case TemplateStore.Transition.Missing missing -> List.of();
            case TemplateStore.Transition.NameTaken taken -> List.of();
        };
    }

    private static TemplateVersion done(TemplateStore.Transition outcome) {
        return switch (outcome) {
            case TemplateStore.Transition.Done done -> done.version();
            case TemplateStore.Transition.Missing missing -> throw new ApiException(ErrorCode.NOT_FOUND);
            case TemplateStore.Transition.NameTaken taken -> throw new ApiException(ErrorCode.NAME_TAKEN);
            case TemplateStore.Transition.Refused refused -> throw refusal(refused.refusal());
        };
    }

    private static ApiException refusal(TemplateStore.Refusal refusal) {
        return switch (refusal) {
            case TemplateStore.Refusal.WrongStatus wrong -> new ApiException(ErrorCode.REVIEW_NOT_PENDING, wrong.status().value());
            case TemplateStore.Refusal.SelfReview self -> new ApiException(ErrorCode.SELF_REVIEW);
        };
    }

    /** {@code viewer}'s own templates and the public ones of other workspaces. */
    public List<TemplateSummary> list(WorkspaceId viewer) {
        return store.visibleTo(viewer);
    }

    /**
     * The versions of {@code name} that {@code viewer} may see, newest first: all of its own if it has any (its own name
     * shadows a public one, as in {@link #resolve}), otherwise the approved versions of the public template; empty if
     * neither exists.
     */
    public List<TemplateVersion> versions(WorkspaceId viewer, TemplateName name) {
        List<TemplateVersion> own = store.versions(viewer, name);
        return own.isEmpty() ? store.approvedVersions(name) : own;
    }

    /** One version as {@code viewer} may see it; another workspace's history stays with that workspace. */
    public Optional<View> version(WorkspaceId viewer, TemplateName name, int version) {
        if (store.own(viewer, name, Optional.empty()).isPresent()) {
            TemplateKey key = new TemplateKey(viewer, name, version);
            return store.version(key).map(found -> new View(found, true, store.history(key)));
        }
        return store.approved(name, Optional.of(version)).map(found -> new View(found, false, List.of()));
    }

    /** One version of any workspace, for its reviewer. */
    public Optional<View> forReview(TemplateKey key) {
        return store.version(key).map(found -> new View(found, true, store.history(key)));
    }

    public List<TemplateVersion> pending() {
        return store.pending(MAX_PENDING);
    }

    /**
     * The version a task of {@code caller} runs for {@code name}: the caller's own (any status; the newest when no version
     * is given) if it has a template of that name at all, otherwise the public one (approved versions only). A private or
     * pending version of another workspace never resolves.
     */
    public Optional<ResolvedTemplate> resolve(WorkspaceId caller, String name, Optional<Integer> version) {
        requireNonNull(caller, "caller is null");
        requireNonNull(version, "version is null");
        Optional<TemplateName> parsed = TemplateName.parse(name);
        if (parsed.isEmpty() || version.isPresent() && version.get() < 1) {
            return Optional.empty();
        }
        if (store.own(caller, parsed.get(), Optional.empty()).isPresent()) {
            return store.own(caller, parsed.get(), version).map(ResolvedTemplate::of);
        }
        return store.approved(parsed.get(), version).map(ResolvedTemplate::of);
    }

    /** For the image store's delete check: a template usable from {@code workspace} that runs {@code image}, as {@code name:version}. */
    public Optional<String> imageUsedBy(WorkspaceId workspace, ImageDigest image) {
        return store.imageUsedBy(workspace, image);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static String target(TemplateKey key) {
        return "template:" + key.reference();
    }

    private static Map<String, String> details(TemplateVersion version, Map<String, String> more) {
        Map<String, String> details = new TreeMap<>(more);
        details.put("name", version.key().name().value());
        details.put("version", Integer.toString(version.key().version()));
        details.put("image", version.manifest().image().value());
        return details;
    }

    /** The comment's length, never its text: audit entries outlive what reviewers write. */
    private static Map<String, String> commentDetails(ReviewEvent review) {
        return review.comment().map(text -> Map.of("commentLength", Integer.toString(TemplateManifest.length(text)))).orElse(Map.of());
    }
}
