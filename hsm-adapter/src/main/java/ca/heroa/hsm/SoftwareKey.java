package ca.heroa.hsm;

import javax.crypto.SecretKey;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A key that is used in software (Bouncy Castle FIPS) and stored only wrapped by the HSM's key-encryption key. Its
 * bytes never leave this package: callers seal, open or MAC through it. {@link #close()} overwrites the bytes once
 * uses in flight have finished; later uses throw {@link KeyDestroyedException}.
 * <p>
 * Java cannot promise that no other copy exists: the JCA engine of each operation copies the key and the garbage
 * collector reclaims that copy later. What this class bounds is the copy that a cache keeps.
 */
public abstract sealed class SoftwareKey implements AutoCloseable permits DataKey, MacKey {
    static final int LENGTH = 32;
    private final byte[] bytes;
    private final String algorithm;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean destroyed;

    /** Takes ownership of {@code bytes}. */
    SoftwareKey(byte[] bytes, String algorithm) {
        if (bytes.length != LENGTH) {
            Arrays.fill(bytes, (byte) 0);
            throw new IllegalArgumentException("a software key is 256 bits");
        }
        this.bytes = bytes;
        this.algorithm = algorithm;
    }

    /** Runs {@code use} with the key while it cannot be destroyed. */
    final <T> T withKey(Function<SecretKey, T> use) {
        lock.readLock().lock();
        try {
            if (destroyed) {
                throw new KeyDestroyedException();
            }
            return use.apply(new Material(bytes, algorithm));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A copy of the bytes, for wrapping in the HSM; the caller overwrites it. */
    final byte[] copyForWrapping() {
        return withKey(key -> bytes.clone());
    }

    public final boolean destroyed() {
        lock.readLock().lock();
        try {
            return destroyed;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            Arrays.fill(bytes, (byte) 0);
            destroyed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + (destroyed() ? "[destroyed]" : "[256 bits]");
    }

    /** The JCA view of the key; {@link #getEncoded()} gives the engine its own copy. */
    private record Material(byte[] bytes, String algorithm) implements SecretKey {
        private static final long serialVersionUID = 1L;

        @Override
        public String getAlgorithm() {
            return algorithm;
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return bytes.clone();
        }

        @Override
        public String toString() {
            return "SecretKey[" + algorithm + "]";
        }
    }
}
