package ca.heroa.appliance.testing;

import java.nio.file.Path;
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
                "ca.heroa.appliance.Main"));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().remove("LC_ALL");
        builder.environment().put("SOFTHSM2_CONF", data.resolve("hsm").resolve("softhsm2.conf").toString());
        builder.environment().keySet().removeIf(name -> name.startsWith("HEROA_") && !name.equals("HEROA_LOG_LEVEL"));
        return builder;
    }
}
