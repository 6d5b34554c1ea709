package ca.heroa.hsm;

import org.bouncycastle.crypto.CryptoServicesRegistrar;
import org.bouncycastle.jcajce.provider.BouncyCastleFipsProvider;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Security;

/**
 * Bouncy Castle FIPS, registered once per JVM in approved-only mode, for every software cryptographic operation of
 * the appliance: random generation, SHA-256, HMAC, AES-GCM under data keys. Non-approved algorithms are refused.
 * <p>
 * Approved-only mode is a JVM-wide setting that must be in place before Bouncy Castle loads: the launcher and the
 * build pass {@code -Dorg.bouncycastle.fips.approved_only=true}; {@link #install()} sets it too when it runs first,
 * and refuses to go on if the module is not in approved-only mode.
 */
public final class Fips {
    /** The JCA name of the provider. */
    public static final String PROVIDER = "BCFIPS";
    private static final String APPROVED_ONLY = "org.bouncycastle.fips.approved_only";
    private static volatile SecureRandom random;

    private Fips() {
    }

    /** Registers the provider (after the JDK's own, which TLS keeps using) and checks approved-only mode. */
    public static void install() {
        if (random == null) {
            installOnce();
        }
    }

    /** The power-on self-tests (an HMAC of the module and known-answer tests) run here, once per JVM: about a second. */
    private static synchronized void installOnce() {
        if (random != null) {
            return;
        }
        if (System.getProperty(APPROVED_ONLY) == null) {
            System.setProperty(APPROVED_ONLY, "true");
        }
        if (Security.getProvider(PROVIDER) == null) {
            Security.addProvider(new BouncyCastleFipsProvider());
        }
        if (!CryptoServicesRegistrar.isInApprovedOnlyMode()) {
            throw new CustodyException(CustodyProblem.NOT_APPROVED_MODE);
        }
        try {
            random = SecureRandom.getInstance("DEFAULT", PROVIDER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the FIPS DRBG is not available", e);
        }
    }

    /** The approved DRBG (SP 800-90A), shared and thread-safe. */
    public static SecureRandom random() {
        install();
        return random;
    }

    /** A new SHA-256 digest from the FIPS provider. */
    public static MessageDigest sha256() {
        install();
        try {
            return MessageDigest.getInstance("SHA-256", PROVIDER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available from " + PROVIDER, e);
        }
    }

    /** {@code length} random bytes from the approved DRBG. */
    public static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random().nextBytes(bytes);
        return bytes;
    }
}
