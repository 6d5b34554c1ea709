package ca.heroa.appliance.custody;

import ca.heroa.hsm.WrappedKey;

import java.util.List;
import java.util.Optional;

/** Where wrapped software keys are stored (PostgreSQL, treated as untrusted: it only ever sees wrapped keys). */
public interface WrappedKeyStore {
    Optional<StoredKey> find(KeyOwner owner);

    /** Stores {@code key} unless its owner has one already; returns the one stored. */
    StoredKey insertIfAbsent(StoredKey key);

    /** Keys not wrapped by {@code keyEncryptionKey}, to rewrap after a rotation. */
    List<StoredKey> notWrappedBy(String keyEncryptionKey);

    /** Replaces the wrapping of {@code key} if it is still the stored one; false if it changed meanwhile. */
    boolean rewrap(StoredKey key, WrappedKey rewrapped);
}
