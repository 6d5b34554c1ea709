package ca.heroa.hsm;

import javax.crypto.Mac;
import java.security.GeneralSecurityException;
import java.util.concurrent.ConcurrentLinkedQueue;

import static java.util.Objects.requireNonNull;

/** A 256-bit HMAC-SHA-256 key in Bouncy Castle FIPS (approved mode), e.g. the key that hashes API tokens. */
public final class MacKey extends SoftwareKey {
    /**
     * Initialised Macs to reuse: getInstance and init cost more than one short MAC. A pool rather than a
     * ThreadLocal because callers run on short-lived virtual threads; it holds at most as many as ran at once.
     */
    private final ConcurrentLinkedQueue<Mac> macs = new ConcurrentLinkedQueue<>();

    MacKey(byte[] bytes) {
        super(bytes, "HmacSHA256");
    }

    /** HMAC-SHA-256 of {@code data}. */
    public byte[] mac(byte[] data) {
        requireNonNull(data, "data is null");
        return withKey(key -> {
            Mac mac = macs.poll();
            try {
                if (mac == null) {
                    mac = Mac.getInstance("HmacSHA256", Fips.PROVIDER);
                    mac.init(key);
                }
                byte[] result = mac.doFinal(data);
                macs.offer(mac);
                return result;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA-256 is not available: " + e.getClass().getSimpleName(), e);
            }
        });
    }

    @Override
    public void close() {
        super.close();
        macs.clear();
    }
}
