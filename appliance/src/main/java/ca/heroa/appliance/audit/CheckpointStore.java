package ca.heroa.appliance.audit;

import java.util.List;
import java.util.Optional;

/** Where checkpoints are kept (append-only). */
public interface CheckpointStore {
    Optional<AuditCheckpoint> latest();

    /** Oldest first. */
    List<AuditCheckpoint> all();

    /** Stores it unless a checkpoint with the same last sequence exists (another process made it first). */
    void insert(AuditCheckpoint checkpoint);

    /** The entry hash at {@code sequence}, if that entry is retained. */
    Optional<byte[]> entryHash(long sequence);
}
