package ca.heroa.appliance.state;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.barrier.Barrier;
import ca.heroa.appliance.barrier.ObjectKind;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The workspace state store: what agents and tasks persist between runs. Values are sealed by the barrier under the
 * workspace's data key, bound to workspace, key, version and write time, together with their content type (so storage
 * cannot swap what a value claims to be). Listing shows metadata only; values come out only through {@link #get}.
 */
public final class WorkspaceState {
    /** Longest content type kept; longer ones are refused rather than cut (a cut media type would mean something else). */
    public static final int MAX_CONTENT_TYPE_LENGTH = 128;
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    private static final byte FORMAT = 1;

    private final StateStore store;
    private final Barrier barrier;
    private final StateSettings settings;
    private final Clock clock;

    public WorkspaceState(StateStore store, Barrier barrier, StateSettings settings, Clock clock) {
        this.store = requireNonNull(store, "store is null");
        this.barrier = requireNonNull(barrier, "barrier is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public StateSettings settings() {
        return settings;
    }

    /** Whether {@code contentType} can be stored: 1 to {@value #MAX_CONTENT_TYPE_LENGTH} printable ASCII characters. */
    public static boolean validContentType(String contentType) {
        return !contentType.isEmpty() && contentType.length() <= MAX_CONTENT_TYPE_LENGTH
                && contentType.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    /** Writes {@code value} as the next version of {@code key} if {@code precondition} holds; the caller may overwrite {@code value} afterwards. */
    public StateStore.Put put(WorkspaceId workspace, StateKey key, String contentType, byte[] value, Precondition precondition,
                              AuditEvent.Context context) {
        requireNonNull(workspace, "workspace is null");
        requireNonNull(key, "key is null");
        requireNonNull(precondition, "precondition is null");
        requireNonNull(context, "context is null");
        if (!validContentType(contentType)) {
            throw new IllegalArgumentException("content type not storable");
        }
        if (value.length > settings.maxValueBytes()) {
            throw new IllegalArgumentException("state value over the limit");
        }
        Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS);
        StateStore.Write write = new StateStore.Write(key, contentType, value.length, at, context.actor(), EntityTag.newNonce());
        byte[] plaintext = frame(contentType, value);
        try {
            return barrier.inWorkspace(workspace, sealer -> store.put(workspace, write, precondition,
                    version -> sealer.seal(ObjectKind.STATE, key.value(), version, at, plaintext), settings.maxObjectsPerWorkspace(),
                    stored -> AuditEvent.success(context, Optional.of(workspace.value()), "state.put", "state:" + key,
                            Map.of("key", key.value(), "version", Integer.toString(stored.version()), "size", Integer.toString(stored.size())))));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** Outcome of a read. */
    public sealed interface Read {
        record Found(StateValue value) implements Read {
        }

        /** {@code If-None-Match} names the current version; nothing was opened. */
        record NotModified(StateObject object) implements Read {
        }

        record Missing() implements Read {
        }
    }

    /**
     * The current version of {@code key}, opened, unless {@code precondition} says the caller has it already. A value
     * that fails its integrity check is never returned ({@link ca.heroa.appliance.barrier.BarrierIntegrityException}).
     */
    public Read get(WorkspaceId workspace, StateKey key, Precondition precondition) {
        Optional<SealedState> found = store.find(workspace, key);
        if (found.isEmpty()) {
            return new Read.Missing();
        }
        StateObject object = found.get().object();
        if (precondition.notModified(object.etag())) {
            return new Read.NotModified(object);
        }
        byte[] plaintext = barrier.inWorkspace(workspace, sealer -> sealer.open(ObjectKind.STATE, key.value(), object.version(),
                object.updatedAt(), found.get().sealed()));
        try {
            return new Read.Found(unframe(object, plaintext));
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    public StateStore.Delete delete(WorkspaceId workspace, StateKey key, Precondition precondition, AuditEvent.Context context) {
        requireNonNull(context, "context is null");
        return store.delete(workspace, key, precondition, deleted -> AuditEvent.success(context, Optional.of(workspace.value()), "state.delete",
                "state:" + key, Map.of("key", key.value(), "version", Integer.toString(deleted.version()), "size", Integer.toString(deleted.size()))));
    }

    public StatePage list(WorkspaceId workspace, String prefix, Optional<StateKey> after, int limit) {
        if (!StateKey.validPrefix(prefix) || limit < 1 || limit > StateStore.MAX_PAGE) {
            throw new IllegalArgumentException("invalid listing");
        }
        return store.list(workspace, prefix, after, limit);
    }

    /** {@code FORMAT, length, content type, value}: the content type is sealed with the value it describes. */
    private static byte[] frame(String contentType, byte[] value) {
        byte[] type = contentType.getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[2 + type.length + value.length];
        framed[0] = FORMAT;
        framed[1] = (byte) type.length;
        System.arraycopy(type, 0, framed, 2, type.length);
        System.arraycopy(value, 0, framed, 2 + type.length, value.length);
        return framed;
    }

    private static StateValue unframe(StateObject object, byte[] plaintext) {
        // Authenticated by the seal, so a bad frame means a bug or a different format, never an attacker's edit.
        if (plaintext.length < 2 || plaintext[0] != FORMAT || plaintext.length < 2 + (plaintext[1] & 0xff)) {
            throw new IllegalStateException("state object " + object.key() + "@" + object.version() + " has an unknown format");
        }
        int typeLength = plaintext[1] & 0xff;
        String contentType = new String(plaintext, 2, typeLength, StandardCharsets.US_ASCII);
        return new StateValue(object, contentType, Arrays.copyOfRange(plaintext, 2 + typeLength, plaintext.length));
    }
}
