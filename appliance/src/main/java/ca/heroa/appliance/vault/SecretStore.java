package ca.heroa.appliance.vault;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;

/** Where sealed secret versions are stored; every change is audited in the same transaction. */
public interface SecretStore {
    /** Outcome of a write. */
    sealed interface Put {
        record Stored(SecretVersion version) implements Put {
        }

        /** The workspace holds as many secrets as it may; only new versions of existing ones are accepted. */
        record WorkspaceFull(int limit) implements Put {
        }
    }

    /**
     * Stores the next version of {@code name}, sealed by {@code sealForVersion} (the version is part of what the seal
     * binds), keeping at most {@code keepVersions} versions; audited with {@code event}.
     */
    Put put(WorkspaceId workspace, SecretName name, IntFunction<byte[]> sealForVersion, Instant at, String createdBy, int keepVersions,
            int maxSecrets, Function<SecretVersion, AuditEvent> event);

    List<SecretSummary> list(WorkspaceId workspace);

    /** Newest first; empty if there is no such secret. */
    List<SecretVersion> versions(WorkspaceId workspace, SecretName name);

    /** Deletes every version; false if there was none. */
    boolean delete(WorkspaceId workspace, SecretName name, Function<Integer, AuditEvent> event);

    Optional<SealedSecret> latest(WorkspaceId workspace, SecretName name);
}
