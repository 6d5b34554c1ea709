package ca.heroa.appliance.vault;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.barrier.Barrier;
import ca.heroa.appliance.barrier.ObjectKind;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The workspace vault: secret values go in through {@link #put} and come out only through {@link #reveal}, which
 * exists for delivering a secret to a task. Names, versions and who wrote them can be listed; values never are.
 */
public final class Vault {
    private final SecretStore store;
    private final Barrier barrier;
    private final VaultLimits limits;
    private final Clock clock;

    public Vault(SecretStore store, Barrier barrier, VaultLimits limits, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.barrier = requireNonNull(barrier, "barrier is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public VaultLimits limits() {
        return limits;
    }

    /** Stores {@code value} as the next version of {@code name}; the caller overwrites {@code value} afterwards. */
    public SecretStore.Put put(WorkspaceId workspace, SecretName name, byte[] value, AuditEvent.Context context) {
        if (value.length > limits.maxValueBytes()) {
            throw new IllegalArgumentException("secret value over the limit");
        }
        java.time.Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return barrier.inWorkspace(workspace, sealer -> store.put(workspace, name,
                version -> sealer.seal(ObjectKind.SECRET, name.value(), version, createdAt, value),
                createdAt, context.actor(), limits.keepVersions(), limits.maxSecrets(),
                stored -> AuditEvent.success(context, Optional.of(workspace.value()), "secret.put", "secret:" + name,
                        Map.of("version", Integer.toString(stored.version())))));
    }

    public List<SecretSummary> list(WorkspaceId workspace) {
        return store.list(workspace);
    }

    public List<SecretVersion> versions(WorkspaceId workspace, SecretName name) {
        return store.versions(workspace, name);
    }

    public boolean delete(WorkspaceId workspace, SecretName name, AuditEvent.Context context) {
        return store.delete(workspace, name, versions -> AuditEvent.success(context, Optional.of(workspace.value()), "secret.delete",
                "secret:" + name, Map.of("versions", Integer.toString(versions))));
    }

    /**
     * The newest value of {@code name}, for delivery to a task of the same workspace. A value that fails its integrity
     * check is never returned ({@link ca.heroa.appliance.barrier.BarrierIntegrityException}).
     */
    public Optional<SecretValue> reveal(WorkspaceId workspace, SecretName name) {
        return store.latest(workspace, name).map(sealed -> new SecretValue(name,
                barrier.inWorkspace(workspace, sealer -> sealer.open(ObjectKind.SECRET, name.value(), sealed.version(), sealed.createdAt(),
                        sealed.sealed()))));
    }
}
