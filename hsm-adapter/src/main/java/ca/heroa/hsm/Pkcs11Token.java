package ca.heroa.hsm;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_GCM_PARAMS;
import sun.security.pkcs11.wrapper.CK_MECHANISM;
import sun.security.pkcs11.wrapper.CK_TOKEN_INFO;
import sun.security.pkcs11.wrapper.PKCS11;
import sun.security.pkcs11.wrapper.PKCS11Exception;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_CERTIFICATE_TYPE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_CLASS;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_EC_PARAMS;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_EC_POINT;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_ENCRYPT;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_ID;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_ISSUER;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_NEVER_EXTRACTABLE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SERIAL_NUMBER;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SIGN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SUBJECT;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VERIFY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKC_X_509;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKK_AES;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKK_EC;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_AES_GCM;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_ECDSA;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_EC_KEY_PAIR_GEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_CERTIFICATE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_PRIVATE_KEY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_PUBLIC_KEY;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

/** The PKCS#11 calls key custody makes on one session, with the exact attribute templates the promise needs. */
final class Pkcs11Token {
    /** DER of the OID of NIST P-256 (prime256v1). */
    static final byte[] P256 = {0x06, 0x08, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x03, 0x01, 0x07};
    static final byte[] P384 = {0x06, 0x05, 0x2b, (byte) 0x81, 0x04, 0x00, 0x22};
    static final int GCM_TAG_BITS = 128;
    private static final int MAX_OBJECTS = 10_000;

    private Pkcs11Token() {
    }

    /** The slot holding the token; the failure lists the tokens seen. */
    static long findSlot(PKCS11 p11, TokenSelector selector) throws PKCS11Exception {
        List<String> seen = new ArrayList<>();
        for (long slot : p11.C_GetSlotList(true)) {
            CK_TOKEN_INFO info = p11.C_GetTokenInfo(slot);
            String label = new String(info.label).trim();
            boolean match = switch (selector) {
                case TokenSelector.Label wanted -> wanted.label().equals(label);
                case TokenSelector.Slot wanted -> wanted.slot() == slot;
            };
            if (match) {
                return slot;
            }
            seen.add("\"" + label + "\" in slot " + slot);
        }
        throw new CustodyException(CustodyProblem.TOKEN_NOT_FOUND, selector.toString(), seen.isEmpty() ? "none" : String.join(", ", seen));
    }

    /** Every object visible to the logged-in user. */
    static long[] allObjects(PKCS11 p11, long session) throws PKCS11Exception {
        return find(p11, session, new CK_ATTRIBUTE[0]);
    }

    static long[] find(PKCS11 p11, long session, CK_ATTRIBUTE[] template) throws PKCS11Exception {
        p11.C_FindObjectsInit(session, template);
        try {
            return p11.C_FindObjects(session, MAX_OBJECTS);
        } finally {
            p11.C_FindObjectsFinal(session);
        }
    }

    static String label(PKCS11 p11, long session, long handle) throws PKCS11Exception {
        CK_ATTRIBUTE[] label = {new CK_ATTRIBUTE(CKA_LABEL)};
        p11.C_GetAttributeValue(session, handle, label);
        char[] chars = label[0].getCharArray();
        return chars == null ? "" : new String(chars);
    }

    /** The object's attributes as the token reports them. */
    static KeyAttributes attributes(PKCS11 p11, long session, long handle) throws PKCS11Exception {
        CK_ATTRIBUTE[] common = {new CK_ATTRIBUTE(CKA_CLASS), new CK_ATTRIBUTE(CKA_TOKEN)};
        p11.C_GetAttributeValue(session, handle, common);
        long objectClass = common[0].getLong();
        boolean token = common[1].getBoolean();
        String label = label(p11, session, handle);
        if (objectClass == CKO_CERTIFICATE) {
            return new KeyAttributes(label, "certificate", "-", 0, token, false, true, false);
        }
        CK_ATTRIBUTE[] type = {new CK_ATTRIBUTE(CKA_KEY_TYPE)};
        p11.C_GetAttributeValue(session, handle, type);
        long keyType = type[0].getLong();
        String typeName = keyType == CKK_AES ? "AES" : keyType == CKK_EC ? "EC" : "0x" + Long.toHexString(keyType);
        int size = 0;
        if (keyType == CKK_AES) {
            CK_ATTRIBUTE[] length = {new CK_ATTRIBUTE(CKA_VALUE_LEN)};
            p11.C_GetAttributeValue(session, handle, length);
            size = (int) length[0].getLong() * 8;
        } else if (keyType == CKK_EC) {
            CK_ATTRIBUTE[] parameters = {new CK_ATTRIBUTE(CKA_EC_PARAMS)};
            p11.C_GetAttributeValue(session, handle, parameters);
            byte[] curve = parameters[0].getByteArray();
            size = Arrays.equals(curve, P256) ? 256 : Arrays.equals(curve, P384) ? 384 : -1;
        }
        if (objectClass == CKO_PUBLIC_KEY) {
            return new KeyAttributes(label, "public-key", typeName, size, token, false, true, false);
        }
        CK_ATTRIBUTE[] protection = {new CK_ATTRIBUTE(CKA_SENSITIVE), new CK_ATTRIBUTE(CKA_EXTRACTABLE), new CK_ATTRIBUTE(CKA_NEVER_EXTRACTABLE)};
        p11.C_GetAttributeValue(session, handle, protection);
        String className = objectClass == CKO_SECRET_KEY ? "secret-key" : objectClass == CKO_PRIVATE_KEY ? "private-key" : "0x" + Long.toHexString(objectClass);
        return new KeyAttributes(label, className, typeName, size, token, protection[0].getBoolean(), protection[1].getBoolean(),
                protection[2].getBoolean());
    }

    static long objectClass(PKCS11 p11, long session, long handle) throws PKCS11Exception {
        CK_ATTRIBUTE[] objectClass = {new CK_ATTRIBUTE(CKA_CLASS)};
        p11.C_GetAttributeValue(session, handle, objectClass);
        return objectClass[0].getLong();
    }

    /** An AES-256 key-encryption key on the token: sensitive, never extractable, for encryption and decryption only. */
    static long generateKeyEncryptionKey(PKCS11 p11, long session, String label) throws PKCS11Exception {
        return p11.C_GenerateKey(session, new CK_MECHANISM(CKM_AES_KEY_GEN), new CK_ATTRIBUTE[]{
            new CK_ATTRIBUTE(CKA_CLASS, CKO_SECRET_KEY),
            new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_AES),
            new CK_ATTRIBUTE(CKA_VALUE_LEN, 32L),
            new CK_ATTRIBUTE(CKA_TOKEN, true),
            new CK_ATTRIBUTE(CKA_PRIVATE, true),
            new CK_ATTRIBUTE(CKA_SENSITIVE, true),
            new CK_ATTRIBUTE(CKA_EXTRACTABLE, false),
            new CK_ATTRIBUTE(CKA_ENCRYPT, true),
            new CK_ATTRIBUTE(CKA_DECRYPT, true),
            new CK_ATTRIBUTE(CKA_SIGN, false),
            new CK_ATTRIBUTE(CKA_VERIFY, false),
            new CK_ATTRIBUTE(CKA_LABEL, label),
            new CK_ATTRIBUTE(CKA_ID, label.getBytes(StandardCharsets.UTF_8)),
        });
    }

    /** An EC P-256 signing pair on the token; the private half sensitive and never extractable. Returns {public, private}. */
    static long[] generateSigningPair(PKCS11 p11, long session, String label) throws PKCS11Exception {
        byte[] id = label.getBytes(StandardCharsets.UTF_8);
        return p11.C_GenerateKeyPair(session, new CK_MECHANISM(CKM_EC_KEY_PAIR_GEN), new CK_ATTRIBUTE[]{
            new CK_ATTRIBUTE(CKA_TOKEN, true),
            new CK_ATTRIBUTE(CKA_PRIVATE, false),
            new CK_ATTRIBUTE(CKA_VERIFY, true),
            new CK_ATTRIBUTE(CKA_EC_PARAMS, P256),
            new CK_ATTRIBUTE(CKA_LABEL, label),
            new CK_ATTRIBUTE(CKA_ID, id),
        }, new CK_ATTRIBUTE[]{
            new CK_ATTRIBUTE(CKA_TOKEN, true),
            new CK_ATTRIBUTE(CKA_PRIVATE, true),
            new CK_ATTRIBUTE(CKA_SENSITIVE, true),
            new CK_ATTRIBUTE(CKA_EXTRACTABLE, false),
            new CK_ATTRIBUTE(CKA_SIGN, true),
            new CK_ATTRIBUTE(CKA_DECRYPT, false),
            new CK_ATTRIBUTE(CKA_LABEL, label),
            new CK_ATTRIBUTE(CKA_ID, id),
        });
    }

    /** The uncompressed EC point (04 || X || Y) of a public key; tokens return it raw or DER-wrapped. */
    static byte[] ecPoint(PKCS11 p11, long session, long publicKey) throws PKCS11Exception {
        CK_ATTRIBUTE[] point = {new CK_ATTRIBUTE(CKA_EC_POINT)};
        p11.C_GetAttributeValue(session, publicKey, point);
        byte[] value = point[0].getByteArray();
        if (value.length == 65 && value[0] == 0x04) {
            return value;
        }
        if (value.length == 67 && value[0] == 0x04 && value[1] == 65) {
            return Arrays.copyOfRange(value, 2, 67);
        }
        throw new IllegalStateException("unexpected EC point encoding (" + value.length + " bytes)");
    }

    /** ECDSA (in the token) over a SHA-256 digest; returns the DER signature that openssl and JCA verify. */
    static byte[] signDigest(PKCS11 p11, long session, long privateKey, byte[] digest) throws PKCS11Exception {
        p11.C_SignInit(session, new CK_MECHANISM(CKM_ECDSA), privateKey);
        byte[] raw = p11.C_Sign(session, digest);
        int half = raw.length / 2;
        try {
            return new DERSequence(new ASN1Encodable[]{
                new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, 0, half))),
                new ASN1Integer(new BigInteger(1, Arrays.copyOfRange(raw, half, raw.length))),
            }).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode an ECDSA signature", e);
        }
    }

    static void storeCertificate(PKCS11 p11, long session, String label, byte[] der, byte[] subject, byte[] issuer, byte[] serial)
            throws PKCS11Exception {
        p11.C_CreateObject(session, new CK_ATTRIBUTE[]{
            new CK_ATTRIBUTE(CKA_CLASS, CKO_CERTIFICATE),
            new CK_ATTRIBUTE(CKA_CERTIFICATE_TYPE, CKC_X_509),
            new CK_ATTRIBUTE(CKA_TOKEN, true),
            new CK_ATTRIBUTE(CKA_PRIVATE, false),
            new CK_ATTRIBUTE(CKA_LABEL, label),
            new CK_ATTRIBUTE(CKA_ID, label.getBytes(StandardCharsets.UTF_8)),
            new CK_ATTRIBUTE(CKA_SUBJECT, subject),
            new CK_ATTRIBUTE(CKA_ISSUER, issuer),
            new CK_ATTRIBUTE(CKA_SERIAL_NUMBER, serial),
            new CK_ATTRIBUTE(CKA_VALUE, der),
        });
    }

    static byte[] value(PKCS11 p11, long session, long handle) throws PKCS11Exception {
        CK_ATTRIBUTE[] value = {new CK_ATTRIBUTE(CKA_VALUE)};
        p11.C_GetAttributeValue(session, handle, value);
        return value[0].getByteArray();
    }

    /** AES-GCM encryption in the token; returns ciphertext || tag. */
    static byte[] encrypt(PKCS11 p11, long session, long key, byte[] nonce, byte[] associatedData, byte[] plaintext) throws PKCS11Exception {
        p11.C_EncryptInit(session, new CK_MECHANISM(CKM_AES_GCM, new CK_GCM_PARAMS(GCM_TAG_BITS, nonce, associatedData)), key);
        byte[] out = new byte[plaintext.length + GCM_TAG_BITS / 8];
        int length = p11.C_Encrypt(session, 0, plaintext, 0, plaintext.length, 0, out, 0, out.length);
        return length == out.length ? out : Arrays.copyOf(out, length);
    }

    /** AES-GCM decryption in the token; a wrong tag or context makes the token refuse. */
    static byte[] decrypt(PKCS11 p11, long session, long key, byte[] nonce, byte[] associatedData, byte[] ciphertext) throws PKCS11Exception {
        p11.C_DecryptInit(session, new CK_MECHANISM(CKM_AES_GCM, new CK_GCM_PARAMS(GCM_TAG_BITS, nonce, associatedData)), key);
        byte[] out = new byte[ciphertext.length];
        int length = p11.C_Decrypt(session, 0, ciphertext, 0, ciphertext.length, 0, out, 0, out.length);
        byte[] plaintext = Arrays.copyOf(out, length);
        Arrays.fill(out, (byte) 0);
        return plaintext;
    }
}
