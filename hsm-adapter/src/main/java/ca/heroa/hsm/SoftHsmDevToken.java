package ca.heroa.hsm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The development token: a SoftHSM2 token in a directory of the appliance's data directory, created on first run.
 * Production uses the HSM vendor's library and a token its own tools initialised; this class is only for the dev run
 * and the tests.
 * <p>
 * SoftHSM2 reads its configuration file from the {@code SOFTHSM2_CONF} environment variable when the library
 * initialises, and a JVM cannot change its own environment: whoever starts the JVM (the {@code heroa} launcher, the
 * build) sets it to {@code <directory>/softhsm2.conf}, and {@link #ensure} checks that it did.
 */
public final class SoftHsmDevToken {
    public static final String CONFIGURATION_VARIABLE = "SOFTHSM2_CONF";
    private static final String MARKER = "token-initialised";

    private SoftHsmDevToken() {
    }

    /** Creates the directory, configuration, PINs and token if absent; returns where the user PIN is. */
    public static synchronized PinSource ensure(Path directory, String tokenLabel) {
        Path configuration = directory.resolve("softhsm2.conf").toAbsolutePath().normalize();
        String configured = System.getenv(CONFIGURATION_VARIABLE);
        if (configured == null || !Path.of(configured).toAbsolutePath().normalize().equals(configuration)) {
            throw new CustodyException(CustodyProblem.DEV_TOKEN_FAILED, CONFIGURATION_VARIABLE + " must name " + configuration
                    + " when the JVM starts (it is " + (configured == null ? "unset" : configured) + "); the heroa launcher sets it");
        }
        Path pinFile = directory.resolve("user.pin");
        try {
            Path tokens = directory.resolve("tokens");
            createPrivateDirectory(directory);
            createPrivateDirectory(tokens);
            if (Files.exists(directory.resolve(MARKER))) {
                return PinSource.file(pinFile);
            }
            writePrivate(configuration, String.join("\n",
                    "# SoftHSM2 development token of the Heroa appliance (created on first run).",
                    "directories.tokendir = " + tokens,
                    "objectstore.backend = file",
                    "log.level = ERROR",
                    "slots.removable = false",
                    ""));
            // PINs are made once: a start that stopped between initialising the token and writing the marker must find
            // the token it made still usable with them.
            Path securityOfficerPinFile = directory.resolve("so.pin");
            if (!Files.exists(pinFile) || !Files.exists(securityOfficerPinFile)) {
                writePrivate(pinFile, HexFormat.of().formatHex(Fips.randomBytes(16)) + "\n");
                writePrivate(securityOfficerPinFile, HexFormat.of().formatHex(Fips.randomBytes(16)) + "\n");
            }
            boolean present = run(configuration, List.of("softhsm2-util", "--show-slots")).lines().map(String::strip)
                    .anyMatch(line -> line.startsWith("Label:") && line.substring("Label:".length()).strip().equals(tokenLabel));
            if (!present) {
                String userPin = Files.readString(pinFile).strip();
                String securityOfficerPin = Files.readString(securityOfficerPinFile).strip();
                // softhsm2-util reads PINs only from its command line or a terminal. On the command line they are
                // visible to local users for a moment; they protect nothing those users could reach, since the token
                // files sit in this directory, which only the service user may enter.
                run(configuration, List.of("softhsm2-util", "--init-token", "--free", "--label", tokenLabel,
                        "--so-pin", securityOfficerPin, "--pin", userPin));
            }
            writePrivate(directory.resolve(MARKER), "");
            return PinSource.file(pinFile);
        } catch (IOException e) {
            throw new CustodyException(CustodyProblem.DEV_TOKEN_FAILED, e, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Runs a softhsm2-util command; returns what it printed (at most 64 KiB). */
    private static String run(Path configuration, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(CONFIGURATION_VARIABLE, configuration.toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CustodyException(CustodyProblem.DEV_TOKEN_FAILED, e, "softhsm2-util is not installed (apt-get install softhsm2)");
        }
        try {
            byte[] output = process.getInputStream().readNBytes(65_536);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new CustodyException(CustodyProblem.DEV_TOKEN_FAILED, "softhsm2-util did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                String said = new String(output, StandardCharsets.UTF_8).strip();
                throw new CustodyException(CustodyProblem.DEV_TOKEN_FAILED, "softhsm2-util " + command.get(1) + " failed: " + said);
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new CustodyException(CustodyProblem.DEV_TOKEN_FAILED, "interrupted");
        }
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), ".tmp", ".part", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, content, StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
