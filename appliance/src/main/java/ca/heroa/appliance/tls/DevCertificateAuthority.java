package ca.heroa.appliance.tls;

import ca.heroa.hsm.Fips;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.KeyPurpose;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The development run's local certificate authority: an EC P-256 CA certificate and a server certificate for this
 * host, written as PEM under {@code <data-dir>/tls}. Both keys live in the HSM (key custody's TLS CA and TLS server
 * keys): certificates are signed inside it, and no private key is ever written to disk. A certificate close to expiry,
 * or one that no longer matches the HSM's key (a re-provisioned token), is issued again; renewing the server
 * certificate keeps the CA, so the fingerprint clients trust stays.
 */
final class DevCertificateAuthority {
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final AlgorithmIdentifier ECDSA_WITH_SHA256 = new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.2"));

    private DevCertificateAuthority() {
    }

    /** Makes sure {@code directory} holds a CA and a current server certificate for the HSM's keys; returns their paths. */
    static TlsFiles ensure(Path directory, List<String> extraHostnames, KeyCustody custody) throws IOException, GeneralSecurityException {
        Files.createDirectories(directory);
        restrict(directory, "rwx------");
        TlsFiles files = new TlsFiles(directory.resolve("ca.pem"), directory.resolve("server.pem"));
        PublicKey caKey = custody.certificate(KeyPurpose.TLS_CA).getPublicKey();
        PublicKey serverKey = custody.certificate(KeyPurpose.TLS_SERVER).getPublicKey();
        boolean newCa = false;
        if (!current(files.caCertificate(), caKey)) {
            createCa(files, custody, caKey);
            newCa = true;
        }
        if (newCa || !current(files.serverCertificate(), serverKey)) {
            createServer(files, extraHostnames, custody, serverKey);
        }
        eraseLegacyKeyFiles(directory);
        return files;
    }

    /** Present, for this public key, and not about to expire. */
    private static boolean current(Path file, PublicKey key) throws IOException, GeneralSecurityException {
        if (!Files.exists(file)) {
            return false;
        }
        X509Certificate certificate = Pem.certificates(file).getFirst();
        return certificate.getPublicKey().equals(key) && certificate.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
    }

    private static void createCa(TlsFiles files, KeyCustody custody, PublicKey caKey) throws IOException, GeneralSecurityException {
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=Heroa appliance development CA,O=Heroa");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(CA_VALIDITY)), name, caKey);
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(caKey));
        X509Certificate certificate = sign(builder, custody);
        Files.writeString(files.caCertificate(), Pem.encode("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
    }

    private static void createServer(TlsFiles files, List<String> extraHostnames, KeyCustody custody, PublicKey serverKey)
            throws IOException, GeneralSecurityException {
        X509Certificate ca = Pem.certificates(files.caCertificate()).getFirst();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(SERVER_VALIDITY)), new X500Name("CN=" + hostname() + ",O=Heroa"), serverKey);
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
        builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(extraHostnames));
        X509Certificate certificate = sign(builder, custody);
        certificate.verify(ca.getPublicKey());
        Files.writeString(files.serverCertificate(),
                Pem.encode("CERTIFICATE", certificate.getEncoded()) + Pem.encode("CERTIFICATE", ca.getEncoded()),
                StandardCharsets.US_ASCII);
    }

    /** Key files of versions that kept the TLS keys on disk: overwritten, then removed. */
    private static void eraseLegacyKeyFiles(Path directory) throws IOException {
        for (String name : List.of("ca-key.pem", "server-key.pem")) {
            Path file = directory.resolve(name);
            if (Files.exists(file)) {
                Files.write(file, new byte[(int) Files.size(file)]);
                Files.delete(file);
            }
        }
    }

    private static GeneralNames alternativeNames(List<String> extraHostnames) {
        Set<String> dnsNames = new LinkedHashSet<>();
        dnsNames.add("localhost");
        dnsNames.add(hostname());
        dnsNames.addAll(extraHostnames);
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /** Signed by the TLS CA key, inside the HSM. */
    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyCustody custody) throws GeneralSecurityException {
        ByteArrayOutputStream tbs = new ByteArrayOutputStream();
        ContentSigner signer = new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return ECDSA_WITH_SHA256;
            }

            @Override
            public OutputStream getOutputStream() {
                return tbs;
            }

            @Override
            public byte[] getSignature() {
                return custody.sign(KeyPurpose.TLS_CA, tbs.toByteArray());
            }
        };
        return new JcaX509CertificateConverter().setProvider(Fips.PROVIDER).getCertificate(builder.build(signer));
    }

    private static BigInteger serial() {
        return new BigInteger(128, Fips.random()).setBit(127);
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static void restrict(Path path, String permissions) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }

    record TlsFiles(Path caCertificate, Path serverCertificate) {
    }
}
