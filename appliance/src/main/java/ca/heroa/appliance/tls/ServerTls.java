package ca.heroa.appliance.tls;

import ca.heroa.hsm.CustodyTls;
import ca.heroa.hsm.Fips;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.KeyPurpose;
import io.helidon.common.tls.Tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The server's TLS configuration: TLS 1.3 only, on every socket. In {@code generate} mode the certificate comes
 * from the development CA under the data directory and the private key stays in the HSM (every handshake is signed
 * there); in {@code files} mode certificate and key come from the operator's PEM files.
 *
 * @param tls                   the Helidon TLS settings for every listener
 * @param trustAnchor           the CA certificate clients should trust, when it is known (dev CA, or the last
 *                              certificate of the configured chain)
 * @param trustAnchorFile       where that certificate is, as a PEM file
 */
public record ServerTls(Tls tls, X509Certificate trustAnchor, Optional<Path> trustAnchorFile) {
    public static final String PROTOCOL = "TLSv1.3";
    /** The TLS 1.3 suites FIPS 140-3 approves: AES-GCM only (ChaCha20-Poly1305 is not approved). */
    public static final List<String> CIPHER_SUITES = List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256");

    public ServerTls {
        requireNonNull(tls, "tls is null");
        requireNonNull(trustAnchor, "trustAnchor is null");
        requireNonNull(trustAnchorFile, "trustAnchorFile is null");
    }

    public static ServerTls load(TlsSettings settings, Path dataDirectory, KeyCustody custody) {
        try {
            return switch (settings.mode()) {
                case GENERATE -> {
                    DevCertificateAuthority.TlsFiles files = DevCertificateAuthority.ensure(dataDirectory.resolve("tls"), settings.hostnames(), custody);
                    List<X509Certificate> chain = Pem.certificates(files.serverCertificate());
                    Tls tls = Tls.builder()
                            .sslContext(CustodyTls.serverContext(custody, KeyPurpose.TLS_SERVER, chain))
                            .enabledProtocols(List.of(PROTOCOL))
                            .enabledCipherSuites(CIPHER_SUITES)
                            .build();
                    yield new ServerTls(tls, Pem.certificates(files.caCertificate()).getFirst(), Optional.of(files.caCertificate()));
                }
                case FILES -> fromFiles(settings.certificate().orElseThrow(), settings.privateKey().orElseThrow(), Optional.empty());
            };
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the TLS certificate and key: " + e.getMessage(), e);
        }
    }

    /** {@code files} mode: the operator's certificate chain and private key (PEM). */
    public static ServerTls fromFiles(Path certificate, Path key) {
        try {
            return fromFiles(certificate, key, Optional.empty());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the TLS certificate and key: " + e.getMessage(), e);
        }
    }

    private static ServerTls fromFiles(Path certificate, Path key, Optional<Path> caFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = Pem.certificates(certificate);
        PrivateKey privateKey = Pem.privateKey(key);
        X509Certificate anchor = caFile.isPresent() ? Pem.certificates(caFile.get()).getFirst() : chain.getLast();
        Tls tls = Tls.builder()
                .protocol("TLS")
                .enabledProtocols(List.of(PROTOCOL))
                .enabledCipherSuites(CIPHER_SUITES)
                .privateKey(privateKey)
                .privateKeyCertChain(chain)
                .build();
        return new ServerTls(tls, anchor, caFile.or(() -> Optional.of(certificate)));
    }

    /** SHA-256 fingerprint of the trust anchor, colon-separated upper-case hex, as browsers and openssl show it. */
    public String trustAnchorFingerprint() {
        try {
            byte[] digest = Fips.sha256().digest(trustAnchor.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint the CA certificate", e);
        }
    }
}
