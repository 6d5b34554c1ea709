package ca.heroa.hsm;

import java.util.Arrays;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * A software key encrypted (AES-256-GCM, in the HSM) under a key-encryption key. Safe to store anywhere: useless
 * without the HSM, and bound to the context it was wrapped with.
 *
 * @param keyEncryptionKey label of the key-encryption key that wrapped it
 * @param bytes            96-bit nonce followed by the ciphertext and its 128-bit tag
 */
public record WrappedKey(String keyEncryptionKey, byte[] bytes) {
    public WrappedKey {
        requireNonNull(keyEncryptionKey, "keyEncryptionKey is null");
        bytes = requireNonNull(bytes, "bytes is null").clone();
        if (bytes.length < 12 + 16 + 16 || bytes.length > 12 + 64 + 16) {
            throw new IllegalArgumentException("a wrapped key holds 44 to 92 bytes");
        }
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WrappedKey that && keyEncryptionKey.equals(that.keyEncryptionKey) && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return keyEncryptionKey.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "WrappedKey[" + keyEncryptionKey + ", " + HexFormat.of().formatHex(bytes, 0, 4) + "…]";
    }
}
