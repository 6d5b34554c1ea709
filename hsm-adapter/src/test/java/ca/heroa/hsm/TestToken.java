package ca.heroa.hsm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The SoftHSM2 token the tests use: created under {@code target/softhsm} (the build sets SOFTHSM2_CONF there).
 * Each test owns its keys through a key-label prefix of its own. A missing SoftHSM2 fails the test; it never skips.
 */
final class TestToken {
    static final String LABEL = "heroa-test";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private TestToken() {
    }

    static Path directory() {
        String configuration = System.getenv(SoftHsmDevToken.CONFIGURATION_VARIABLE);
        if (configuration == null) {
            throw new AssertionError("SOFTHSM2_CONF is not set: run the tests through Maven (./heroa test), which sets it");
        }
        return Path.of(configuration).getParent();
    }

    /** Settings for a fresh, unprovisioned set of keys on the test token. */
    static CustodySettings settings(String name) {
        for (Path library : CustodySettings.SOFTHSM2_LIBRARIES) {
            if (Files.isRegularFile(library)) {
                PinSource pin = SoftHsmDevToken.ensure(directory(), LABEL);
                String prefix = "t" + ProcessHandle.current().pid() % 10_000 + "-" + PREFIXES.incrementAndGet() + "-" + name;
                return new CustodySettings(CustodySettings.SOFTHSM2_LIBRARIES, TokenSelector.label(LABEL), pin, prefix, Duration.ZERO);
            }
        }
        throw new AssertionError("SoftHSM2 is not installed (" + CustodySettings.SOFTHSM2_LIBRARIES + "): apt-get install softhsm2");
    }

    /** Provisioned custody for a test. */
    static KeyCustody provisioned(String name) {
        CustodySettings settings = settings(name);
        KeyCustody.provision(settings);
        return KeyCustody.open(settings);
    }
}
