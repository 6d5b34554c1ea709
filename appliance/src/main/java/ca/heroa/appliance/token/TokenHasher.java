package ca.heroa.appliance.token;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentLinkedQueue;

import static java.util.Objects.requireNonNull;

/**
 * Keyed hash (HMAC-SHA-256) of tokens. Storage only ever sees the hash; comparison is constant-time.
 */
public final class TokenHasher {
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;
    /**
     * Initialised Macs to reuse: getInstance and init on every request cost more than the hash itself. A pool, not a
     * ThreadLocal, because requests run on short-lived virtual threads; it holds at most as many as ran at once.
     */
    private final ConcurrentLinkedQueue<Mac> macs = new ConcurrentLinkedQueue<>();

    public TokenHasher(byte[] key) {
        requireNonNull(key, "key is null");
        if (key.length < 32) {
            throw new IllegalArgumentException("the token hashing key must be at least 256 bits");
        }
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
        }
    }

    public byte[] hash(TokenSecret token) {
        return hash(token.reveal());
    }

    /** Whether {@code token} hashes to {@code storedHash}, in time independent of where they differ. */
    public boolean matches(TokenSecret token, byte[] storedHash) {
        return MessageDigest.isEqual(hash(token), storedHash);
    }

    private byte[] hash(String value) {
        Mac mac = macs.poll();
        if (mac == null) {
            mac = newMac();
        }
        byte[] hash = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
        // doFinal has reset the Mac: it is ready for the next hash.
        macs.offer(mac);
        return hash;
    }
}
