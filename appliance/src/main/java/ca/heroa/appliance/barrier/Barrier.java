package ca.heroa.appliance.barrier;

import ca.heroa.appliance.custody.KeyRing;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.hsm.CustodyIntegrityException;
import ca.heroa.hsm.DataKey;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * The barrier between the appliance and untrusted storage: what must not be read in PostgreSQL (secret values, state
 * objects) is sealed with AES-256-GCM under the workspace's data key. The associated data binds workspace, object kind,
 * name, version and the version's creation time, so a ciphertext moved to another row, name or workspace fails to open,
 * and so does one put into a later version that reuses the number (after the secret was deleted and written again).
 */
public final class Barrier {
    private static final byte[] DOMAIN = "heroa.barrier.v2".getBytes(StandardCharsets.US_ASCII);
    private final KeyRing keys;

    public Barrier(KeyRing keys) {
        this.keys = requireNonNull(keys, "keys is null");
    }

    /** Runs {@code use} with a sealer for {@code workspace} (its data key is created on first use). */
    public <T> T inWorkspace(WorkspaceId workspace, Function<Sealer, T> use) {
        requireNonNull(workspace, "workspace is null");
        return keys.withDataKey(workspace, key -> use.apply(new Sealer(workspace, key)));
    }

    /** Seals and opens objects of one workspace with its data key; valid only inside {@link #inWorkspace}. */
    public static final class Sealer {
        private final WorkspaceId workspace;
        private final DataKey key;

        private Sealer(WorkspaceId workspace, DataKey key) {
            this.workspace = workspace;
            this.key = key;
        }

        public byte[] seal(ObjectKind kind, String name, int version, Instant createdAt, byte[] plaintext) {
            return key.seal(plaintext, associatedData(workspace, kind, name, version, createdAt));
        }

        public byte[] open(ObjectKind kind, String name, int version, Instant createdAt, byte[] sealed) {
            try {
                return key.open(sealed, associatedData(workspace, kind, name, version, createdAt));
            } catch (CustodyIntegrityException e) {
                throw new BarrierIntegrityException(workspace + "/" + kind.value() + "/" + name + "@" + version);
            }
        }
    }

    /** Length-prefixed, so no two different (workspace, kind, name, version, time) give the same bytes. */
    static byte[] associatedData(WorkspaceId workspace, ObjectKind kind, String name, int version, Instant createdAt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + name.length());
        out.writeBytes(DOMAIN);
        String micros = Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, createdAt));
        for (String part : new String[]{workspace.value(), kind.value(), name, Integer.toString(version), micros}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            out.write(bytes.length >>> 8);
            out.write(bytes.length);
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
