package ca.heroa.appliance.state;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.IntFunction;

import static java.util.Objects.requireNonNull;

/**
 * Where sealed state objects are stored. Conditions are checked and every change is audited in the same transaction
 * as the change, so a write that lost a race never happened and a write without its audit entry never happened.
 */
public interface StateStore {
    /** The first entries of a listing page at most. */
    int MAX_PAGE = 1000;

    /** What a write stores besides the sealed value. */
    record Write(StateKey key, String contentType, int size, Instant at, String updatedBy, String nonce) {
        public Write {
            requireNonNull(key, "key is null");
            requireNonNull(contentType, "contentType is null");
            requireNonNull(at, "at is null");
            requireNonNull(updatedBy, "updatedBy is null");
            requireNonNull(nonce, "nonce is null");
        }
    }

    /** Outcome of a write. */
    sealed interface Put {
        record Stored(StateObject object, boolean created) implements Put {
            public Stored {
                requireNonNull(object, "object is null");
            }
        }

        /** The condition did not hold against the current version; nothing was written. */
        record PreconditionFailed() implements Put {
        }

        /** The key is new and the workspace holds as many objects as it may. */
        record WorkspaceFull(int limit) implements Put {
        }
    }

    /** Outcome of a deletion. */
    sealed interface Delete {
        record Deleted(StateObject object) implements Delete {
            public Deleted {
                requireNonNull(object, "object is null");
            }
        }

        record Missing() implements Delete {
        }

        record PreconditionFailed() implements Delete {
        }
    }

    /**
     * Writes the next version of {@code write.key()} if {@code precondition} holds, sealed by {@code sealForVersion}
     * (the version is part of what the seal binds); a new key only while the workspace holds fewer than {@code maxObjects}.
     */
    Put put(WorkspaceId workspace, Write write, Precondition precondition, IntFunction<byte[]> sealForVersion, int maxObjects,
            Function<StateObject, AuditEvent> event);

    Delete delete(WorkspaceId workspace, StateKey key, Precondition precondition, Function<StateObject, AuditEvent> event);

    Optional<SealedState> find(WorkspaceId workspace, StateKey key);

    /** Objects whose key starts with {@code prefix}, after {@code after}, in key order; at most {@code limit} ({@value #MAX_PAGE}). */
    StatePage list(WorkspaceId workspace, String prefix, Optional<StateKey> after, int limit);
}
