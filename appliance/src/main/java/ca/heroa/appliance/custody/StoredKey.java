package ca.heroa.appliance.custody;

import ca.heroa.hsm.WrappedKey;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A software key as storage holds it: wrapped by a key-encryption key of the HSM.
 *
 * @param owner     whose key it is
 * @param keyId     a random identifier, cited by audit entries (e.g. when the key is destroyed)
 * @param wrapped   the wrapped key
 * @param createdAt when it was created
 */
public record StoredKey(KeyOwner owner, String keyId, WrappedKey wrapped, Instant createdAt) {
    public StoredKey {
        requireNonNull(owner, "owner is null");
        requireNonNull(keyId, "keyId is null");
        requireNonNull(wrapped, "wrapped is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    /** What the wrapping is bound to: the owner and the key ID, so a row copied under another owner does not unwrap. */
    byte[] wrappingContext() {
        return wrappingContext(owner, keyId);
    }

    static byte[] wrappingContext(KeyOwner owner, String keyId) {
        return ("heroa.stored-key.v1\u0000" + owner.value() + "\u0000" + keyId).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
