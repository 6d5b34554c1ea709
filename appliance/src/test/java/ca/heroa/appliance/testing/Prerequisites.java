package ca.heroa.appliance.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * System tools the integration tests use for real. A missing one fails the test with what to install; it never
 * skips, in CI or anywhere else.
 */
public final class Prerequisites {
    private Prerequisites() {
    }

    public static void requireCommand(String command, String debianPackage) {
        try {
            Process process = new ProcessBuilder("sh", "-c", "command -v " + command).redirectErrorStream(true).start();
            if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // reported below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fail("'" + command + "' is required by this test and was not found; install it: apt-get install " + debianPackage
                + (Boolean.parseBoolean(System.getenv("CI")) ? " (CI=true: prerequisites are never skipped)" : ""));
    }

    /** PostgreSQL refuses to run as root; the embedded server then runs under {@code unshare -U}. */
    public static void requireUnshareWhenRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            requireCommand("unshare", "util-linux");
        }
    }
}
