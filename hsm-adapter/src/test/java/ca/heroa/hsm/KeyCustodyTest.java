package ca.heroa.hsm;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key custody against a real SoftHSM2 token: keys, wrapping, signing, rotation, concurrency. */
class KeyCustodyTest {
    private static KeyCustody custody;

    @BeforeAll
    static void provision() {
        custody = TestToken.provisioned("custody");
    }

    @AfterAll
    static void close() {
        custody.close();
    }

    @Test
    void inventoryReadsThePromisedAttributesBackFromTheToken() {
        List<KeyAttributes> inventory = custody.inventory();
        List<KeyAttributes> secrets = inventory.stream().filter(KeyAttributes::isSecret).toList();
        assertEquals(5, secrets.size(), "one key-encryption key and four signing keys (audit, attestation, TLS CA, TLS server): " + inventory);
        for (KeyAttributes key : secrets) {
            assertTrue(key.token(), key + " is a token object");
            assertTrue(key.sensitive(), key + " is sensitive");
            assertFalse(key.extractable(), key + " is not extractable");
            assertTrue(key.neverExtractable(), key + " was never extractable");
            assertEquals(256, key.sizeBits(), key + " size");
        }
        KeyAttributes keyEncryptionKey = secrets.stream().filter(k -> k.label().endsWith("-kek-1")).findFirst().orElseThrow();
        assertEquals("secret-key", keyEncryptionKey.objectClass());
        assertEquals("AES", keyEncryptionKey.keyType());
        assertEquals(4, secrets.stream().filter(k -> k.objectClass().equals("private-key") && k.keyType().equals("EC")).count());
        assertEquals(4, inventory.stream().filter(k -> k.objectClass().equals("certificate")).count(), "a certificate per signing key");
    }

    @Test
    void provisioningTwiceChangesNothing() {
        CustodySettings settings = TestToken.settings("twice");
        List<KeyAttributes> first = KeyCustody.provision(settings);
        List<KeyAttributes> second = KeyCustody.provision(settings);
        assertEquals(first, second);
    }

    @Test
    void wrappedKeysUnwrapOnlyInTheirOwnContext() {
        byte[] context = "workspace ws_a".getBytes(StandardCharsets.UTF_8);
        try (DataKey key = custody.newDataKey()) {
            WrappedKey wrapped = custody.wrap(key, context);
            byte[] sealed = key.seal("canary".getBytes(StandardCharsets.UTF_8), new byte[]{1});
            try (DataKey unwrapped = custody.unwrapDataKey(wrapped, context)) {
                assertArrayEquals("canary".getBytes(StandardCharsets.UTF_8), unwrapped.open(sealed, new byte[]{1}));
            }
            assertThrows(CustodyIntegrityException.class, () -> custody.unwrapDataKey(wrapped, "workspace ws_b".getBytes(StandardCharsets.UTF_8)));
            assertThrows(CustodyIntegrityException.class, () -> custody.unwrapMacKey(wrapped, context), "a data key is not an HMAC key");
            byte[] altered = wrapped.bytes();
            altered[20] ^= 1;
            assertThrows(CustodyIntegrityException.class, () -> custody.unwrapDataKey(new WrappedKey(wrapped.keyEncryptionKey(), altered), context));
        }
        assertEquals(custody.currentKeyEncryptionKey(), custody.currentKeyEncryptionKey(), "an integrity failure does not break the connection");
    }

    @Test
    void aDataKeyOpensOnlyWithItsAssociatedDataAndForgetsItselfWhenClosed() {
        DataKey key = custody.newDataKey();
        byte[] sealed = key.seal("value".getBytes(StandardCharsets.UTF_8), "ws_a/secret/db".getBytes(StandardCharsets.UTF_8));
        byte[] again = key.seal("value".getBytes(StandardCharsets.UTF_8), "ws_a/secret/db".getBytes(StandardCharsets.UTF_8));
        assertFalse(Arrays.equals(Arrays.copyOf(sealed, 12), Arrays.copyOf(again, 12)), "a fresh nonce each time");
        assertThrows(CustodyIntegrityException.class, () -> key.open(sealed, "ws_b/secret/db".getBytes(StandardCharsets.UTF_8)));
        assertThrows(CustodyIntegrityException.class, () -> key.open(sealed, "ws_a/secret/other".getBytes(StandardCharsets.UTF_8)));
        assertEquals("DataKey[256 bits]", key.toString());
        key.close();
        assertTrue(key.destroyed());
        assertEquals("DataKey[destroyed]", key.toString());
        assertThrows(KeyDestroyedException.class, () -> key.open(sealed, "ws_a/secret/db".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void signaturesVerifyWithTheExportedCertificate() throws Exception {
        byte[] message = "checkpoint".getBytes(StandardCharsets.UTF_8);
        for (KeyPurpose purpose : List.of(KeyPurpose.AUDIT_SIGNING, KeyPurpose.ATTESTATION_SIGNING)) {
            byte[] signature = custody.sign(purpose, message);
            Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC");
            verifier.initVerify(custody.certificate(purpose).getPublicKey());
            verifier.update(message);
            assertTrue(verifier.verify(signature), purpose + " signature verifies with its certificate");
            verifier.initVerify(custody.certificate(purpose).getPublicKey());
            verifier.update("checkpoinT".getBytes(StandardCharsets.UTF_8));
            assertFalse(verifier.verify(signature), "and not for another message");
        }
        assertNotEquals(custody.certificate(KeyPurpose.AUDIT_SIGNING).getPublicKey(), custody.certificate(KeyPurpose.ATTESTATION_SIGNING).getPublicKey());
        assertThrows(IllegalArgumentException.class, () -> custody.sign(KeyPurpose.KEY_ENCRYPTION, message));
    }

    @Test
    void rotationRewrapsWithoutTouchingDataAndDestroyingTheOldKeyErasesWhatItAloneWrapped() {
        try (KeyCustody rotating = TestToken.provisioned("rotate"); DataKey key = rotating.newDataKey()) {
            byte[] context = "ws_rotate".getBytes(StandardCharsets.UTF_8);
            WrappedKey old = rotating.wrap(key, context);
            byte[] sealed = key.seal("data".getBytes(StandardCharsets.UTF_8), context);
            String next = rotating.rotateKeyEncryptionKey();
            assertTrue(next.endsWith("-kek-2"), next);
            WrappedKey rewrapped = rotating.rewrap(old, context);
            assertEquals(next, rewrapped.keyEncryptionKey());
            assertThrows(CustodyException.class, () -> rotating.destroyKeyEncryptionKey(next), "the current key cannot be destroyed");
            rotating.destroyKeyEncryptionKey(old.keyEncryptionKey());
            assertThrows(CustodyIntegrityException.class, () -> rotating.unwrapDataKey(old, context), "the old wrapping is unrecoverable");
            try (DataKey unwrapped = rotating.unwrapDataKey(rewrapped, context)) {
                assertArrayEquals("data".getBytes(StandardCharsets.UTF_8), unwrapped.open(sealed, context), "data was not re-encrypted");
            }
        }
    }

    @Test
    void manyTamperedUnwrapsAtOnceNeitherWedgeCustodyNorPassAsValid() throws Exception {
        byte[] context = "ws_tampered".getBytes(StandardCharsets.UTF_8);
        WrappedKey tampered;
        try (DataKey key = custody.newDataKey()) {
            byte[] bytes = custody.wrap(key, context).bytes();
            bytes[bytes.length - 1] ^= 1;
            tampered = new WrappedKey(custody.currentKeyEncryptionKey(), bytes);
        }
        ExecutorService threads = Executors.newFixedThreadPool(2 * Pkcs11Sessions.MAX_SESSIONS);
        try {
            List<Future<Class<?>>> outcomes = new ArrayList<>();
            for (int i = 0; i < 4 * Pkcs11Sessions.MAX_SESSIONS; i++) {
                outcomes.add(threads.submit(() -> {
                    try {
                        custody.unwrapDataKey(tampered, context).close();
                        return Void.class;
                    } catch (CustodyException e) {
                        return e.getClass();
                    }
                }));
            }
            for (Future<Class<?>> outcome : outcomes) {
                assertEquals(CustodyIntegrityException.class, outcome.get(30, java.util.concurrent.TimeUnit.SECONDS),
                        "every tampered unwrap is refused as an integrity failure, and none waits forever for a session");
            }
        } finally {
            threads.shutdownNow();
        }
        custody.sign(KeyPurpose.AUDIT_SIGNING, context);
    }

    @Test
    void concurrentUseFromManyThreadsStaysCorrect() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                int id = thread;
                results.add(threads.submit(() -> {
                    for (int round = 0; round < 100; round++) {
                        byte[] context = ("ws_" + id + "_" + round).getBytes(StandardCharsets.UTF_8);
                        try (DataKey key = custody.newDataKey()) {
                            byte[] sealed = key.seal(context, context);
                            try (DataKey back = custody.unwrapDataKey(custody.wrap(key, context), context)) {
                                if (!Arrays.equals(context, back.open(sealed, context))) {
                                    return false;
                                }
                            }
                        }
                        if (round % 10 == 0) {
                            custody.sign(KeyPurpose.AUDIT_SIGNING, context);
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get(), "every round trip from every thread gave back its own data");
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
