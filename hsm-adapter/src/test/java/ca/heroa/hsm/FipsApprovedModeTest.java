package ca.heroa.hsm;

import org.bouncycastle.crypto.CryptoServicesRegistrar;
import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Software cryptography runs in Bouncy Castle FIPS in approved-only mode: what is not approved is refused. */
class FipsApprovedModeTest {

    @Test
    void approvedOnlyModeIsOnAndRefusesNonApprovedAlgorithms() {
        Fips.install();
        assertTrue(CryptoServicesRegistrar.isInApprovedOnlyMode(), "approved-only mode");
        assertThrows(GeneralSecurityException.class, () -> MessageDigest.getInstance("MD5", Fips.PROVIDER), "MD5 is not approved");
        assertThrows(GeneralSecurityException.class, () -> Cipher.getInstance("Blowfish/CBC/PKCS5Padding", Fips.PROVIDER), "Blowfish is not approved");
        assertThrows(GeneralSecurityException.class, () -> Cipher.getInstance("DESede/CBC/PKCS5Padding", Fips.PROVIDER).init(Cipher.ENCRYPT_MODE,
                new javax.crypto.spec.SecretKeySpec(new byte[24], "DESede")), "triple-DES encryption is no longer approved");
    }

    @Test
    void approvedAlgorithmsWork() {
        assertEquals(32, Fips.sha256().digest(new byte[]{1}).length);
        assertEquals(16, Fips.randomBytes(16).length);
        assertEquals(Fips.PROVIDER, Fips.random().getProvider().getName(), "random numbers come from the FIPS DRBG");
    }
}
