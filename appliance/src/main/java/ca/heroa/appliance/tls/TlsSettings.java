package ca.heroa.appliance.tls;

import io.helidon.config.Config;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The {@code heroa.server.tls} config node.
 *
 * @param mode        {@code generate} (default; dev: a local CA and server certificate under the data directory,
 *                    created on first run and reused) or {@code files} (production: operator-supplied PEM files)
 * @param certificate PEM certificate chain, server certificate first; required for {@code files}
 * @param privateKey  PEM PKCS#8 private key; required for {@code files}
 * @param hostnames   extra DNS names for the generated certificate (optional)
 */
public record TlsSettings(Mode mode, Optional<Path> certificate, Optional<Path> privateKey, java.util.List<String> hostnames) {
    public enum Mode { GENERATE, FILES }

    public TlsSettings {
        requireNonNull(mode, "mode is null");
        requireNonNull(certificate, "certificate is null");
        requireNonNull(privateKey, "privateKey is null");
        hostnames = java.util.List.copyOf(hostnames);
        if (mode == Mode.FILES && (certificate.isEmpty() || privateKey.isEmpty())) {
            throw new IllegalArgumentException("heroa.server.tls.certificate and heroa.server.tls.private-key are required when heroa.server.tls.mode is files");
        }
    }

    public static TlsSettings from(Config config) {
        return new TlsSettings(
                config.get("mode").asString().map(value -> Mode.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT))).orElse(Mode.GENERATE),
                config.get("certificate").asString().asOptional().map(Path::of),
                config.get("private-key").asString().asOptional().map(Path::of),
                config.get("hostnames").asList(String.class).orElse(java.util.List.of()));
    }
}
