package ca.heroa.appliance.bench;

import ca.heroa.appliance.tls.ServerTls;
import ca.heroa.appliance.tls.TlsSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Makes the TLS material every benchmark server uses, with the appliance's own development CA
 * ({@link ServerTls#load} in generate mode): {@code DIR/tls/ca.pem}, {@code server.pem}, {@code server-key.pem}
 * (EC P-256). Usage: {@code BenchTls DIR}
 */
public final class BenchTls {
    private BenchTls() {
    }

    public static void main(String[] args) {
        ServerTls tls = ServerTls.load(new TlsSettings(TlsSettings.Mode.GENERATE, Optional.empty(), Optional.empty(), List.of()),
                Path.of(args[0]));
        System.out.println("TLS material ready; CA fingerprint " + tls.trustAnchorFingerprint());
    }
}
