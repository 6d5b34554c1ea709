package ca.heroa.hsm;

import org.junit.jupiter.api.Test;
import sun.security.pkcs11.wrapper.CK_ATTRIBUTE;
import sun.security.pkcs11.wrapper.CK_MECHANISM;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_CLASS;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_EXTRACTABLE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_KEY_TYPE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_SENSITIVE;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_TOKEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_VALUE_LEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_ENCRYPT;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKA_DECRYPT;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKK_AES;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static sun.security.pkcs11.wrapper.PKCS11Constants.CKO_SECRET_KEY;

/** Custody refuses to start when it cannot keep its promise, and says which key or setting and how to fix it. */
class ProvisioningTest {

    @Test
    void unprovisionedTokenIsRefusedNamingEveryMissingKey() {
        CustodySettings settings = TestToken.settings("empty");
        CustodyException refused = assertThrows(CustodyException.class, () -> KeyCustody.open(settings));
        assertEquals(CustodyProblem.KEYS_NOT_PROVISIONED, refused.problem());
        for (String label : List.of(settings.keyLabelPrefix() + "-kek-1", settings.keyLabelPrefix() + "-audit-signing",
                settings.keyLabelPrefix() + "-attestation-signing")) {
            assertTrue(refused.getMessage().contains(label), refused.getMessage());
        }
        assertTrue(refused.getMessage().contains("heroa custody provision"), refused.getMessage());
        assertTrue(refused.message(Locale.FRENCH).contains("Exécutez : heroa custody provision"), refused.message(Locale.FRENCH));
    }

    @Test
    void anExtractableKeyEncryptionKeyIsRefused() throws Exception {
        CustodySettings settings = TestToken.settings("loose");
        Pkcs11Module module = Pkcs11Module.load(settings.libraries());
        Pkcs11Sessions sessions = new Pkcs11Sessions(module, Pkcs11Token.findSlot(module.p11(), settings.token()), module.generation());
        sessions.login(settings.pin().read(), "test");
        String label = settings.keyLabelPrefix() + "-kek-1";
        sessions.with((p11, session) -> p11.C_GenerateKey(session, new CK_MECHANISM(CKM_AES_KEY_GEN), new CK_ATTRIBUTE[]{
            new CK_ATTRIBUTE(CKA_CLASS, CKO_SECRET_KEY), new CK_ATTRIBUTE(CKA_KEY_TYPE, CKK_AES), new CK_ATTRIBUTE(CKA_VALUE_LEN, 32L),
            new CK_ATTRIBUTE(CKA_TOKEN, true), new CK_ATTRIBUTE(CKA_SENSITIVE, false), new CK_ATTRIBUTE(CKA_EXTRACTABLE, true),
            new CK_ATTRIBUTE(CKA_ENCRYPT, true), new CK_ATTRIBUTE(CKA_DECRYPT, true), new CK_ATTRIBUTE(CKA_LABEL, label)}));
        CustodyException refused = assertThrows(CustodyException.class, () -> KeyCustody.provision(settings));
        assertEquals(CustodyProblem.KEY_ATTRIBUTES_WRONG, refused.problem());
        assertTrue(refused.getMessage().contains(label) && refused.getMessage().contains("CKA_EXTRACTABLE is true")
                && refused.getMessage().contains("CKA_SENSITIVE is false"), refused.getMessage());
    }

    @Test
    void aWrongLibraryPathIsRefusedListingEveryAttempt() {
        CustodySettings valid = TestToken.settings("library");
        CustodySettings wrong = new CustodySettings(List.of(Path.of("/nonexistent/libvendor-pkcs11.so"), Path.of("/etc/hostname")),
                valid.token(), valid.pin(), valid.keyLabelPrefix(), Duration.ZERO);
        CustodyException refused = assertThrows(CustodyException.class, () -> KeyCustody.open(wrong));
        assertEquals(CustodyProblem.LIBRARY_NOT_LOADED, refused.problem());
        assertTrue(refused.getMessage().contains("/nonexistent/libvendor-pkcs11.so (no such file)"), refused.getMessage());
        assertTrue(refused.getMessage().contains("/etc/hostname ("), refused.getMessage());
    }

    @Test
    void aMissingTokenIsRefusedNamingTheTokensSeen() {
        CustodySettings valid = TestToken.settings("token");
        CustodySettings wrong = new CustodySettings(valid.libraries(), TokenSelector.label("no-such-token"), valid.pin(), valid.keyLabelPrefix(), Duration.ZERO);
        CustodyException refused = assertThrows(CustodyException.class, () -> KeyCustody.open(wrong));
        assertEquals(CustodyProblem.TOKEN_NOT_FOUND, refused.problem());
        assertTrue(refused.getMessage().contains("\"" + TestToken.LABEL + "\""), refused.getMessage());
    }

    @Test
    void aPinFileOthersCanReadIsRefusedAndThePinNeverAppearsInMessages() throws Exception {
        Path pin = Files.createTempFile("heroa-pin", ".txt");
        try {
            Files.writeString(pin, "98765432-not-a-real-pin\n");
            Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString("rw-r--r--"));
            CustodyException refused = assertThrows(CustodyException.class, () -> PinSource.file(pin).read());
            assertEquals(CustodyProblem.PIN_FILE_TOO_OPEN, refused.problem());
            assertTrue(refused.getMessage().contains("chmod 600"), refused.getMessage());
            assertTrue(!refused.getMessage().contains("98765432") && !refused.message(Locale.FRENCH).contains("98765432"));
            Files.setPosixFilePermissions(pin, PosixFilePermissions.fromString("rw-------"));
            assertEquals("98765432-not-a-real-pin", new String(PinSource.file(pin).read()));
        } finally {
            Files.deleteIfExists(pin);
        }
        CustodyException unset = assertThrows(CustodyException.class, () -> PinSource.environment("HEROA_TEST_UNSET_PIN").read());
        assertEquals(CustodyProblem.PIN_UNREADABLE, unset.problem());
    }
}
