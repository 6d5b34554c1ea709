package ca.heroa.hsm;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import java.security.GeneralSecurityException;

import static java.util.Objects.requireNonNull;

/**
 * A 256-bit data key: AES-256-GCM in Bouncy Castle FIPS (approved mode). A sealed value is the 96-bit nonce, the
 * ciphertext and the 128-bit tag; the associated data binds it to where it belongs, so it opens nowhere else.
 */
public final class DataKey extends SoftwareKey {
    static final int NONCE_BYTES = 12;
    static final int TAG_BITS = 128;

    DataKey(byte[] bytes) {
        super(bytes, "AES");
    }

    /** Encrypts {@code plaintext} bound to {@code associatedData}; a fresh nonce comes from the FIPS DRBG. */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        requireNonNull(plaintext, "plaintext is null");
        requireNonNull(associatedData, "associatedData is null");
        return withKey(key -> {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Fips.PROVIDER);
                cipher.init(Cipher.ENCRYPT_MODE, key, Fips.random());
                byte[] nonce = cipher.getIV();
                if (nonce.length != NONCE_BYTES) {
                    throw new IllegalStateException("unexpected GCM nonce length " + nonce.length);
                }
                cipher.updateAAD(associatedData);
                byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
                System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
                cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_BYTES);
                return sealed;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM encryption failed: " + e.getClass().getSimpleName(), e);
            }
        });
    }

    /** Decrypts what {@link #seal} produced with the same associated data; anything else is an integrity failure. */
    public byte[] open(byte[] sealed, byte[] associatedData) {
        requireNonNull(sealed, "sealed is null");
        requireNonNull(associatedData, "associatedData is null");
        if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new CustodyIntegrityException();
        }
        return withKey(key -> {
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", Fips.PROVIDER);
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
                cipher.updateAAD(associatedData);
                return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
            } catch (AEADBadTagException e) {
                throw new CustodyIntegrityException();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM decryption failed: " + e.getClass().getSimpleName(), e);
            }
        });
    }
}
