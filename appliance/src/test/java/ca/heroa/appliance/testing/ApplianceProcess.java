package ca.heroa.appliance.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The appliance (or one of its commands) as a separate JVM, started the way the launcher starts it: with the JVM
 * options the HSM adapter needs, approved-only FIPS mode, and a development token of its own under the data directory.
 */
public final class ApplianceProcess {
    private ApplianceProcess() {
    }

    public static ProcessBuilder builder(Path data, String... arguments) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-modules", "jdk.crypto.cryptoki",
                "--add-exports", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "--add-opens", "jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED",
                "-Dorg.bouncycastle.fips.approved_only=true",
                "-Djdk.tls.namedGroups=secp256r1,secp384r1",
                "-cp", System.getProperty("java.class.path"),
                "-Dheroa.data-dir=" + data,
                "-Dheroa.podman.socket=" + TestPodman.socket(),
                "-Dheroa.egress.dataset.version=lab",
                "-Dheroa.egress.dataset.files.0.path=" + TestResidency.LAB_RANGES,
                "ca.heroa.appliance.Main"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().remove("LC_ALL");
        builder.environment().put("SOFTHSM2_CONF", data.resolve("hsm").resolve("softhsm2.conf").toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("HEROA_") && !name.equals("HEROA_LOG_LEVEL"));
        return builder;
    }

    /** Reads the process's output until a line contains {@code marker}; returns that line. */
    public static String awaitLine(Process process, String marker, Duration timeout) throws IOException {
        BufferedReader reader = process.inputReader(StandardCharsets.UTF_8);
        StringBuilder seen = new StringBuilder();
        Instant deadline = Instant.now().plus(timeout);
        String line;
        while (Instant.now().isBefore(deadline) && (line = reader.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains(marker)) {
                return line;
            }
        }
        throw new AssertionError("the appliance did not print '" + marker + "' in time:\n" + seen);
    }

    /** Keeps reading the rest of the output (into the buffer returned, for failure messages) so the process never blocks on a full pipe. */
    public static StringWriter drain(Process process) {
        StringWriter output = new StringWriter();
        Thread.ofVirtual().start(() -> {
            try {
                process.inputReader(StandardCharsets.UTF_8).transferTo(output);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return output;
    }

    /** The development CA certificate the appliance made under {@code data}. */
    public static X509Certificate caCertificate(Path data) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(data.resolve("tls/ca.pem"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
