package ca.heroa.appliance.tls;

import ca.heroa.hsm.Fips;
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
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The development run's local certificate authority: an EC P-256 CA and a server certificate for this host,
 * made with Bouncy Castle FIPS on first run, written as PEM under {@code <data-dir>/tls}, and reused afterwards.
 * A server certificate close to expiry is renewed under the same CA, so the fingerprint clients trust stays.
 */
final class DevCertificateAuthority {
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(397);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private DevCertificateAuthority() {
    }

    /** Makes sure {@code directory} holds a CA and a current server certificate; returns their paths. */
    static TlsFiles ensure(Path directory, List<String> extraHostnames) throws IOException, GeneralSecurityException {
        Files.createDirectories(directory);
        restrict(directory, "rwx------");
        TlsFiles files = new TlsFiles(directory.resolve("ca.pem"), directory.resolve("ca-key.pem"),
                directory.resolve("server.pem"), directory.resolve("server-key.pem"));
        if (!Files.exists(files.caCertificate()) || !Files.exists(files.caKey())) {
            createCa(files);
        }
        if (!Files.exists(files.serverCertificate()) || !Files.exists(files.serverKey()) || expiresSoon(files.serverCertificate())) {
            createServer(files, extraHostnames);
        }
        return files;
    }

    private static void createCa(TlsFiles files) throws IOException, GeneralSecurityException {
        KeyPair keys = ecKeys();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=Heroa appliance development CA,O=Heroa");
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(CA_VALIDITY)), name, keys.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(keys.getPublic()));
        X509Certificate certificate = sign(builder, keys);
        writePrivate(files.caKey(), Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(files.caCertificate(), Pem.encode("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
    }

    private static void createServer(TlsFiles files, List<String> extraHostnames) throws IOException, GeneralSecurityException {
        X509Certificate ca = Pem.certificates(files.caCertificate()).getFirst();
        KeyPair caKeys = new KeyPair(ca.getPublicKey(), Pem.privateKey(files.caKey()));
        KeyPair keys = ecKeys();
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(60)),
                Date.from(now.plus(SERVER_VALIDITY)), new X500Name("CN=" + hostname() + ",O=Heroa"), keys.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
        builder.addExtension(Extension.subjectAlternativeName, false, alternativeNames(extraHostnames));
        X509Certificate certificate = sign(builder, caKeys);
        writePrivate(files.serverKey(), Pem.encode("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(files.serverCertificate(),
                Pem.encode("CERTIFICATE", certificate.getEncoded()) + Pem.encode("CERTIFICATE", ca.getEncoded()),
                StandardCharsets.US_ASCII);
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

    private static boolean expiresSoon(Path certificate) throws IOException, GeneralSecurityException {
        return Pem.certificates(certificate).getFirst().getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        Fips.install();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Fips.PROVIDER);
        generator.initialize(new ECGenParameterSpec("P-256"), Fips.random());
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().setProvider(Fips.PROVIDER)
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(Fips.PROVIDER).build(signer.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign the certificate", e);
        }
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

    private static void writePrivate(Path file, String pem) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }

    private static void restrict(Path path, String permissions) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }

    record TlsFiles(Path caCertificate, Path caKey, Path serverCertificate, Path serverKey) {
    }
}
