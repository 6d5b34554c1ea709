package ca.heroa.hsm.bench;

import ca.heroa.hsm.DataKey;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.WrappedKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * What delivering one secret to a task costs on a cold cache, against the plain JCA way on the same token.
 * <ul>
 * <li>{@link #ours}: {@link KeyCustody#unwrapDataKey} (AES-256-GCM in the HSM under {@code bench-kek-1}), then
 * {@link DataKey#open} of a 1 KiB sealed secret (AES-256-GCM in Bouncy Castle FIPS), then the data key is closed.</li>
 * <li>{@link #plain}: {@code Cipher("AES/GCM/NoPadding", SunPKCS11)} decryption of a 32-byte key wrapped under the same
 * {@code bench-kek-1}, fetched by alias from the PKCS11 key store, then {@code Cipher("AES/GCM/NoPadding", SunJCE)}
 * decryption of the same 1 KiB secret with a {@link SecretKeySpec} of those 32 bytes.</li>
 * <li>{@link #plainUnbound}, for information: {@link #plain} with a wrapped key that is not bound to anything (no
 * associated data), the cheapest use of the token through SunPKCS11. With associated data, SunPKCS11 starts the
 * token operation in {@code Cipher.init}, then cancels it (a dummy {@code C_Decrypt}) and starts it again with the
 * associated data in {@code doFinal}; without, it starts it once.</li>
 * <li>{@link #oursWarm} and {@link #plainWarm}, for information: only the software decryption, with a data key already
 * unwrapped (what a cache of unwrapped data keys would cost).</li>
 * </ul>
 * Both sides bind the wrapped key (to a workspace) and the secret (to its workspace, kind and name) with associated
 * data of the same sizes, and allocate a new {@code Cipher} per call, as a one-shot delivery does. Every fork opens both custody and the SunPKCS11 provider, so
 * each side runs in an identically prepared JVM, and {@link #open} checks that both sides give back the secret.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DeliveryBench {
    static final int SECRET_BYTES = 1024;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    /** What the vault binds a wrapped data key to: its workspace. */
    private static final byte[] WRAP_CONTEXT = "ws_0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** What the vault binds a sealed secret to: workspace, kind and name. */
    private static final byte[] SECRET_BINDING = "ws_0123456789abcdef0123456789abcdef/secret/DATABASE_PASSWORD".getBytes(StandardCharsets.US_ASCII);
    /**
     * The baseline's associated data for the wrapped key, as long as the one custody builds from the context
     * ({@code heroa.wrap.v1}, one kind byte, a 4-byte length, the context).
     */
    private static final byte[] PLAIN_WRAP_AAD = ByteBuffer.allocate(13 + 1 + 4 + WRAP_CONTEXT.length)
            .put("heroa.wrap.v1".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).putInt(WRAP_CONTEXT.length).put(WRAP_CONTEXT).array();

    private byte[] secret;
    private KeyCustody custody;
    private WrappedKey wrapped;
    private byte[] sealed;
    private DataKey warmKey;

    private Provider pkcs11;
    private Provider sunJce;
    private SecretKey keyEncryptionKey;
    private byte[] plainWrapped;
    private byte[] plainWrappedUnbound;
    private byte[] plainSealed;
    private SecretKeySpec plainWarmKey;

    @Setup(Level.Trial)
    public void open() throws Exception {
        secret = randomBytes(SECRET_BYTES);

        custody = KeyCustody.open(BenchToken.settings());
        if (!custody.currentKeyEncryptionKey().equals(BenchToken.KEY_ENCRYPTION_KEY)) {
            throw new IllegalStateException("custody wraps under " + custody.currentKeyEncryptionKey() + ", the baseline under "
                    + BenchToken.KEY_ENCRYPTION_KEY);
        }
        try (DataKey dataKey = custody.newDataKey()) {
            wrapped = custody.wrap(dataKey, WRAP_CONTEXT);
            sealed = dataKey.seal(secret, SECRET_BINDING);
        }
        warmKey = custody.unwrapDataKey(wrapped, WRAP_CONTEXT);

        KeyStore keyStore = BenchToken.plainKeyStore();
        pkcs11 = keyStore.getProvider();
        sunJce = requireProvider("SunJCE");
        keyEncryptionKey = (SecretKey) keyStore.getKey(BenchToken.KEY_ENCRYPTION_KEY, null);
        if (keyEncryptionKey == null) {
            throw new IllegalStateException("no " + BenchToken.KEY_ENCRYPTION_KEY + " in the PKCS11 key store");
        }
        byte[] rawKey = randomBytes(32);
        byte[] wrapNonce = randomBytes(NONCE_BYTES);
        Cipher wrap = Cipher.getInstance(TRANSFORMATION, pkcs11);
        wrap.init(Cipher.ENCRYPT_MODE, keyEncryptionKey, new GCMParameterSpec(TAG_BITS, wrapNonce));
        wrap.updateAAD(PLAIN_WRAP_AAD);
        plainWrapped = concat(wrapNonce, wrap.doFinal(rawKey));
        byte[] unboundNonce = randomBytes(NONCE_BYTES);
        Cipher wrapUnbound = Cipher.getInstance(TRANSFORMATION, pkcs11);
        wrapUnbound.init(Cipher.ENCRYPT_MODE, keyEncryptionKey, new GCMParameterSpec(TAG_BITS, unboundNonce));
        plainWrappedUnbound = concat(unboundNonce, wrapUnbound.doFinal(rawKey));
        plainWarmKey = new SecretKeySpec(rawKey, "AES");
        byte[] sealNonce = randomBytes(NONCE_BYTES);
        Cipher seal = Cipher.getInstance(TRANSFORMATION, sunJce);
        seal.init(Cipher.ENCRYPT_MODE, plainWarmKey, new GCMParameterSpec(TAG_BITS, sealNonce));
        seal.updateAAD(SECRET_BINDING);
        plainSealed = concat(sealNonce, seal.doFinal(secret));
        Arrays.fill(rawKey, (byte) 0);

        check("ours", ours());
        check("plain", plain());
        check("plain, unbound", plainUnbound());
        check("ours, warm", oursWarm());
        check("plain, warm", plainWarm());
        if (wrapped.bytes().length != plainWrapped.length || sealed.length != plainSealed.length) {
            throw new IllegalStateException("the two sides do not decrypt inputs of the same sizes");
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        warmKey.close();
        custody.close();
    }

    @Benchmark
    public byte[] ours() {
        try (DataKey dataKey = custody.unwrapDataKey(wrapped, WRAP_CONTEXT)) {
            return dataKey.open(sealed, SECRET_BINDING);
        }
    }

    @Benchmark
    public byte[] plain() throws GeneralSecurityException {
        Cipher unwrap = Cipher.getInstance(TRANSFORMATION, pkcs11);
        unwrap.init(Cipher.DECRYPT_MODE, keyEncryptionKey, new GCMParameterSpec(TAG_BITS, plainWrapped, 0, NONCE_BYTES));
        unwrap.updateAAD(PLAIN_WRAP_AAD);
        return openPlain(unwrap.doFinal(plainWrapped, NONCE_BYTES, plainWrapped.length - NONCE_BYTES));
    }

    @Benchmark
    public byte[] plainUnbound() throws GeneralSecurityException {
        Cipher unwrap = Cipher.getInstance(TRANSFORMATION, pkcs11);
        unwrap.init(Cipher.DECRYPT_MODE, keyEncryptionKey, new GCMParameterSpec(TAG_BITS, plainWrappedUnbound, 0, NONCE_BYTES));
        return openPlain(unwrap.doFinal(plainWrappedUnbound, NONCE_BYTES, plainWrappedUnbound.length - NONCE_BYTES));
    }

    /** The baseline's second half: SunJCE decryption of the secret with the unwrapped bytes, which are then overwritten. */
    private byte[] openPlain(byte[] rawKey) throws GeneralSecurityException {
        try {
            Cipher open = Cipher.getInstance(TRANSFORMATION, sunJce);
            open.init(Cipher.DECRYPT_MODE, new SecretKeySpec(rawKey, "AES"), new GCMParameterSpec(TAG_BITS, plainSealed, 0, NONCE_BYTES));
            open.updateAAD(SECRET_BINDING);
            return open.doFinal(plainSealed, NONCE_BYTES, plainSealed.length - NONCE_BYTES);
        } finally {
            Arrays.fill(rawKey, (byte) 0);
        }
    }

    @Benchmark
    public byte[] oursWarm() {
        return warmKey.open(sealed, SECRET_BINDING);
    }

    @Benchmark
    public byte[] plainWarm() throws GeneralSecurityException {
        Cipher open = Cipher.getInstance(TRANSFORMATION, sunJce);
        open.init(Cipher.DECRYPT_MODE, plainWarmKey, new GCMParameterSpec(TAG_BITS, plainSealed, 0, NONCE_BYTES));
        open.updateAAD(SECRET_BINDING);
        return open.doFinal(plainSealed, NONCE_BYTES, plainSealed.length - NONCE_BYTES);
    }

    private void check(String side, byte[] opened) {
        if (!Arrays.equals(secret, opened)) {
            throw new IllegalStateException(side + " did not give back the secret");
        }
    }

    static Provider requireProvider(String name) {
        Provider provider = Security.getProvider(name);
        if (provider == null) {
            throw new IllegalStateException("no JCA provider " + name);
        }
        return provider;
    }

    static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
