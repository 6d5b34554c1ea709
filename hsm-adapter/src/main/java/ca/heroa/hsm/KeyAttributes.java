package ca.heroa.hsm;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One object on the token as the token itself reports it (read back with C_GetAttributeValue, not remembered).
 *
 * @param label            CKA_LABEL
 * @param objectClass      CKA_CLASS: {@code secret-key}, {@code private-key}, {@code public-key} or {@code certificate}
 * @param keyType          CKA_KEY_TYPE ({@code AES}, {@code EC}, ...) or {@code -} for a certificate
 * @param sizeBits         key size: CKA_VALUE_LEN × 8 for AES, the curve's size for EC; 0 for a certificate
 * @param token            CKA_TOKEN: stored on the token, not a session object
 * @param sensitive        CKA_SENSITIVE (secret and private keys; false for public objects)
 * @param extractable      CKA_EXTRACTABLE (secret and private keys; true for public objects)
 * @param neverExtractable CKA_NEVER_EXTRACTABLE (secret and private keys; false for public objects)
 */
public record KeyAttributes(String label, String objectClass, String keyType, int sizeBits, boolean token, boolean sensitive,
                            boolean extractable, boolean neverExtractable) {
    public KeyAttributes {
        requireNonNull(label, "label is null");
        requireNonNull(objectClass, "objectClass is null");
        requireNonNull(keyType, "keyType is null");
    }

    /** Is this a secret or private key, to which the custody promise applies? */
    public boolean isSecret() {
        return objectClass.equals("secret-key") || objectClass.equals("private-key");
    }

    /** What breaks the promise for a key of this purpose; empty when it holds. */
    List<String> violations(KeyPurpose purpose) {
        List<String> wrong = new ArrayList<>();
        switch (purpose) {
            case KEY_ENCRYPTION -> {
                expect(wrong, objectClass.equals("secret-key"), "CKA_CLASS is " + objectClass + ", not secret-key");
                expect(wrong, keyType.equals("AES") && sizeBits == 256, "it is " + keyType + "-" + sizeBits + ", not AES-256");
            }
            case AUDIT_SIGNING, ATTESTATION_SIGNING, TLS_CA, TLS_SERVER -> {
                expect(wrong, objectClass.equals("private-key"), "CKA_CLASS is " + objectClass + ", not private-key");
                expect(wrong, keyType.equals("EC") && sizeBits == 256, "it is " + keyType + "-" + sizeBits + ", not EC P-256");
            }
        }
        expect(wrong, token, "CKA_TOKEN is false");
        expect(wrong, sensitive, "CKA_SENSITIVE is false");
        expect(wrong, !extractable, "CKA_EXTRACTABLE is true");
        expect(wrong, neverExtractable, "CKA_NEVER_EXTRACTABLE is false");
        return wrong;
    }

    private static void expect(List<String> wrong, boolean condition, String otherwise) {
        if (!condition) {
            wrong.add(otherwise);
        }
    }
}
