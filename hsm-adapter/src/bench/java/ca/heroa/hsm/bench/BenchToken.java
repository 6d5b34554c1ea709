package ca.heroa.hsm.bench;

import ca.heroa.hsm.CustodySettings;
import ca.heroa.hsm.KeyAttributes;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.PinSource;
import ca.heroa.hsm.SoftHsmDevToken;
import ca.heroa.hsm.TokenSelector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The SoftHSM2 token both sides of every custody benchmark use, and the two ways of reaching it: {@link KeyCustody}
 * (ours) and the JDK's SunPKCS11 provider configured on the same library and slot (the plain JCA baseline).
 * <p>
 * The token lives in the directory named by {@code SOFTHSM2_CONF} (its parent), which {@code run.sh} sets before
 * each JVM starts; the baseline's slot comes from the system property {@code heroa.bench.slot} ({@code run.sh} reads
 * it from {@code softhsm2-util --show-slots} after provisioning).
 * <p>
 * {@code main} provisions the token: {@code BenchToken provision} creates it if absent, then generates the keys
 * ({@code bench-kek-1}, {@code bench-audit-signing}, {@code bench-attestation-signing}) and prints the inventory.
 */
public final class BenchToken {
    /** Label of the benchmark's token. */
    public static final String LABEL = "heroa-bench";
    /** Prefix of every key label the benchmark owns on the token. */
    public static final String PREFIX = "bench";
    /** PKCS#11 label of the key-encryption key that provisioning makes first (and that {@code wrap} uses). */
    public static final String KEY_ENCRYPTION_KEY = PREFIX + "-kek-1";
    /** PKCS#11 label of the audit-signing key and of its certificate. */
    public static final String AUDIT_SIGNING_KEY = PREFIX + "-audit-signing";
    static final String SLOT_PROPERTY = "heroa.bench.slot";

    private BenchToken() {
    }

    /** Custody settings for the benchmark's token (created on first use). */
    public static CustodySettings settings() {
        return new CustodySettings(CustodySettings.SOFTHSM2_LIBRARIES, TokenSelector.label(LABEL), pin(), PREFIX, Duration.ofSeconds(1));
    }

    /** Where the user PIN is; creates the token if it does not exist yet. */
    public static PinSource pin() {
        String configuration = System.getenv(SoftHsmDevToken.CONFIGURATION_VARIABLE);
        if (configuration == null) {
            throw new IllegalStateException(SoftHsmDevToken.CONFIGURATION_VARIABLE + " is not set: run the custody benchmark through run.sh");
        }
        return SoftHsmDevToken.ensure(Path.of(configuration).toAbsolutePath().getParent(), LABEL);
    }

    /** The PKCS#11 library both sides load (the first of SoftHSM2's known paths that exists). */
    public static Path library() {
        return CustodySettings.SOFTHSM2_LIBRARIES.stream().filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new IllegalStateException("SoftHSM2 is not installed (" + CustodySettings.SOFTHSM2_LIBRARIES
                        + "): apt-get install softhsm2"));
    }

    /** The JCA baseline: a SunPKCS11 provider on the same library and slot, and its key store, logged in with the same PIN. */
    public static KeyStore plainKeyStore() throws Exception {
        String slot = System.getProperty(SLOT_PROPERTY);
        if (slot == null || !slot.matches("[0-9]+")) {
            throw new IllegalStateException("the system property " + SLOT_PROPERTY + " must give the token's slot ID (it is " + slot + ")");
        }
        Provider provider = Security.getProvider("SunPKCS11").configure(String.join("\n",
                "--name=HeroaBench",
                "library=" + library(),
                "slot=" + slot,
                ""));
        KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
        char[] pin = pin().read();
        try {
            keyStore.load(null, pin);
        } finally {
            Arrays.fill(pin, '\0');
        }
        return keyStore;
    }

    public static void main(String[] args) {
        if (args.length != 1 || !args[0].equals("provision")) {
            throw new IllegalArgumentException("usage: BenchToken provision");
        }
        List<KeyAttributes> inventory = KeyCustody.provision(settings());
        for (KeyAttributes key : inventory) {
            System.out.println("TOKEN " + key);
        }
    }
}
