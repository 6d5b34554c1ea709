package ca.heroa.appliance.token;

import ca.heroa.hsm.KeyDestroyedException;
import ca.heroa.hsm.MacKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Keyed hash (HMAC-SHA-256, Bouncy Castle FIPS) of tokens, with the token-hash key that key custody keeps wrapped by
 * the HSM. Storage only ever sees the hash; comparison is constant-time.
 */
public final class TokenHasher {
    private final Supplier<MacKey> key;

    /** {@code key} gives the current unwrapped key (from a bounded cache); it may have been zeroed by the time it is used. */
    public TokenHasher(Supplier<MacKey> key) {
        this.key = requireNonNull(key, "key is null");
    }

    public byte[] hash(TokenSecret token) {
        byte[] value = token.reveal().getBytes(StandardCharsets.UTF_8);
        try {
            return key.get().mac(value);
        } catch (KeyDestroyedException evicted) {
            return key.get().mac(value);
        }
    }

    /** Whether {@code token} hashes to {@code storedHash}, in time independent of where they differ. */
    public boolean matches(TokenSecret token, byte[] storedHash) {
        return MessageDigest.isEqual(hash(token), storedHash);
    }
}
