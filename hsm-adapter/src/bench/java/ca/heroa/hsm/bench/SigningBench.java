package ca.heroa.hsm.bench;

import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.KeyPurpose;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Audit checkpoint signatures per second, against the plain JCA way on the same token and key.
 * <ul>
 * <li>{@link #ours}: {@link KeyCustody#sign} with {@link KeyPurpose#AUDIT_SIGNING} (SHA-256 in Bouncy Castle FIPS,
 * CKM_ECDSA in the token, DER encoding).</li>
 * <li>{@link #plain}: {@code Signature("SHA256withECDSA", SunPKCS11)} with the private key of the PKCS11 key store entry
 * {@code bench-audit-signing} (the certificate object next to the key makes it a private-key entry).</li>
 * </ul>
 * The message is the same checkpoint statement of about 250 bytes on both sides. {@link #open} checks that each
 * side's signature verifies with the key's certificate (SunEC), and that both sides use the same key.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SigningBench {
    /** A checkpoint statement shaped as the audit trail's: what, up to where, the chain's hash there, when. */
    static final byte[] STATEMENT = String.join("\n",
            "heroa.audit.checkpoint.v1",
            "appliance=ca-yvr-01.heroa.example",
            "sequence=1048576",
            "entry-hash=" + HexFormat.of().formatHex(new byte[32]).replace('0', 'a'),
            "previous=" + HexFormat.of().formatHex(new byte[32]).replace('0', 'b'),
            "signed-at=2026-11-24T22:00:00Z",
            "").getBytes(StandardCharsets.US_ASCII);

    private KeyCustody custody;
    private Provider pkcs11;
    private PrivateKey privateKey;

    @Setup(Level.Trial)
    public void open() throws Exception {
        if (STATEMENT.length < 240 || STATEMENT.length > 260) {
            throw new IllegalStateException("the statement should be about 250 bytes, it is " + STATEMENT.length);
        }
        custody = KeyCustody.open(BenchToken.settings());
        KeyStore keyStore = BenchToken.plainKeyStore();
        pkcs11 = keyStore.getProvider();
        if (!(keyStore.getEntry(BenchToken.AUDIT_SIGNING_KEY, null) instanceof KeyStore.PrivateKeyEntry entry)) {
            throw new IllegalStateException("no private-key entry " + BenchToken.AUDIT_SIGNING_KEY + " in the PKCS11 key store");
        }
        privateKey = entry.getPrivateKey();
        X509Certificate ourCertificate = custody.certificate(KeyPurpose.AUDIT_SIGNING);
        if (!ourCertificate.equals(entry.getCertificate())) {
            throw new IllegalStateException("custody and the PKCS11 key store do not see the same audit-signing certificate");
        }
        verify("ours", ourCertificate, ours());
        verify("plain", ourCertificate, plain());
    }

    @TearDown(Level.Trial)
    public void close() {
        custody.close();
    }

    @Benchmark
    public byte[] ours() {
        return custody.sign(KeyPurpose.AUDIT_SIGNING, STATEMENT);
    }

    @Benchmark
    public byte[] plain() throws GeneralSecurityException {
        Signature signature = Signature.getInstance("SHA256withECDSA", pkcs11);
        signature.initSign(privateKey);
        signature.update(STATEMENT);
        return signature.sign();
    }

    private static void verify(String side, X509Certificate certificate, byte[] signature) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance("SHA256withECDSA", DeliveryBench.requireProvider("SunEC"));
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(STATEMENT);
        if (!verifier.verify(signature)) {
            throw new IllegalStateException(side + ": the signature does not verify with the audit-signing certificate");
        }
    }
}
