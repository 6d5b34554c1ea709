package ca.heroa.appliance.testing;

import ca.heroa.hsm.CustodySettings;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.PinSource;
import ca.heroa.hsm.SoftHsmDevToken;
import ca.heroa.hsm.TokenSelector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SoftHSM2 token of the test JVM, under {@code target/softhsm} (the build sets SOFTHSM2_CONF there). Every
 * appliance or custody a test opens gets keys of its own through a key-label prefix of its own. Without SoftHSM2 the
 * test fails with what to install; it never skips.
 */
public final class TestCustody {
    public static final String TOKEN_LABEL = "heroa";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private TestCustody() {
    }

    public static Path tokenDirectory() {
        String configuration = System.getenv(SoftHsmDevToken.CONFIGURATION_VARIABLE);
        if (configuration == null) {
            throw new AssertionError("SOFTHSM2_CONF is not set: run the tests through Maven (./heroa test), which sets it");
        }
        if (CustodySettings.SOFTHSM2_LIBRARIES.stream().noneMatch(Files::isRegularFile)) {
            throw new AssertionError("SoftHSM2 is not installed (" + CustodySettings.SOFTHSM2_LIBRARIES + "): apt-get install softhsm2");
        }
        return Path.of(configuration).getParent();
    }

    /** A key-label prefix no other test in this run uses. */
    public static String newPrefix() {
        return "a" + ProcessHandle.current().pid() % 100_000 + "-" + PREFIXES.incrementAndGet();
    }

    /** The hsm configuration of a test appliance: the shared development token, keys of its own. */
    public static Map<String, String> hsmConfig() {
        return Map.of("heroa.hsm.dev-token-dir", tokenDirectory().toString(), "heroa.hsm.key-label-prefix", newPrefix(),
                "heroa.hsm.reconnect-interval", "PT0.2S");
    }

    /** Provisioned custody of its own on the shared token. */
    public static KeyCustody open() {
        PinSource pin = SoftHsmDevToken.ensure(tokenDirectory(), TOKEN_LABEL);
        CustodySettings settings = new CustodySettings(CustodySettings.SOFTHSM2_LIBRARIES, TokenSelector.label(TOKEN_LABEL), pin, newPrefix(),
                Duration.ZERO);
        KeyCustody.provision(settings);
        return KeyCustody.open(settings);
    }
}
