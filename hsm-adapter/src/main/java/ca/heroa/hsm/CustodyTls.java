package ca.heroa.hsm;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.math.BigInteger;
import java.security.spec.ECParameterSpec;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * TLS whose private key stays in the HSM. The JDK's TLS stack (SunJSSE) gets a key manager whose private key is only
 * a handle; the one operation TLS 1.3 needs from it, the handshake's CertificateVerify signature (ECDSA P-256 with
 * SHA-256), is served by a small JCA provider that asks key custody to sign. Nothing else can use the handle: it has
 * no encoding and no private value.
 */
public final class CustodyTls {
    private static final String ALIAS = "heroa-tls";
    private static final String PROVIDER_NAME = "HeroaKeyCustody";

    private CustodyTls() {
    }

    /** A TLS 1.3 server context presenting {@code chain} (leaf first), signing with the key of {@code purpose}. */
    public static SSLContext serverContext(KeyCustody custody, KeyPurpose purpose, List<X509Certificate> chain) {
        requireNonNull(custody, "custody is null");
        if (chain.isEmpty() || !(chain.getFirst().getPublicKey() instanceof ECPublicKey leaf)) {
            throw new IllegalArgumentException("an EC certificate chain is needed");
        }
        if (!leaf.equals(custody.certificate(purpose).getPublicKey())) {
            throw new IllegalArgumentException("the certificate is not for the HSM key " + custody.signingKeyLabel(purpose));
        }
        register();
        try {
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            HsmPrivateKey key = new HsmPrivateKey(custody, purpose, leaf.getParams());
            context.init(new KeyManager[] {new HsmKeyManager(chain.toArray(X509Certificate[]::new), key)}, null, Fips.random());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS context", e);
        }
    }

    /** Signature services are looked up by the JDK with delayed provider selection: ours answers only for our handles. */
    private static synchronized void register() {
        if (Security.getProvider(PROVIDER_NAME) == null) {
            Security.addProvider(new CustodyProvider());
        }
    }

    /** A handle to a private key in the HSM: algorithm and curve, nothing else. */
    static final class HsmPrivateKey implements ECPrivateKey {
        private static final long serialVersionUID = 1L;
        private final transient KeyCustody custody;
        private final transient KeyPurpose purpose;
        private final transient ECParameterSpec parameters;

        HsmPrivateKey(KeyCustody custody, KeyPurpose purpose, ECParameterSpec parameters) {
            this.custody = custody;
            this.purpose = purpose;
            this.parameters = parameters;
        }

        @Override
        public String getAlgorithm() {
            return "EC";
        }

        @Override
        public String getFormat() {
            return null;
        }

        @Override
        public byte[] getEncoded() {
            return null;
        }

        @Override
        public ECParameterSpec getParams() {
            return parameters;
        }

        @Override
        public BigInteger getS() {
            throw new UnsupportedOperationException("the private value never leaves the HSM");
        }

        @Override
        public String toString() {
            return "HsmPrivateKey[" + purpose + "]";
        }
    }

    private static final class HsmKeyManager extends X509ExtendedKeyManager {
        private final X509Certificate[] chain;
        private final HsmPrivateKey key;

        HsmKeyManager(X509Certificate[] chain, HsmPrivateKey key) {
            this.chain = chain;
            this.key = key;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return "EC".equals(keyType) ? ALIAS : null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return chooseServerAlias(keyType, issuers, null);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return "EC".equals(keyType) ? new String[] {ALIAS} : null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    private static final class CustodyProvider extends Provider {
        private static final long serialVersionUID = 1L;

        CustodyProvider() {
            super(PROVIDER_NAME, "1.0", "ECDSA signatures by keys held in the HSM (Heroa key custody)");
            putService(new Service(this, "Signature", "SHA256withECDSA", HsmSignature.class.getName(), List.of(),
                    Map.of("SupportedKeyClasses", HsmPrivateKey.class.getName())) {
                @Override
                public Object newInstance(Object parameter) {
                    return new HsmSignature();
                }
            });
        }
    }

    /** SHA256withECDSA signing through key custody; verification is left to the ordinary providers. */
    static final class HsmSignature extends SignatureSpi {
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private HsmPrivateKey key;

        @Override
        protected void engineInitVerify(PublicKey publicKey) throws InvalidKeyException {
            throw new InvalidKeyException("this provider only signs with HSM keys");
        }

        @Override
        protected void engineInitSign(PrivateKey privateKey) throws InvalidKeyException {
            if (!(privateKey instanceof HsmPrivateKey hsmKey)) {
                throw new InvalidKeyException("not an HSM key handle");
            }
            key = hsmKey;
            data.reset();
        }

        @Override
        protected void engineUpdate(byte b) {
            data.write(b);
        }

        @Override
        protected void engineUpdate(byte[] bytes, int offset, int length) {
            data.write(bytes, offset, length);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            if (key == null) {
                throw new SignatureException("not initialised for signing");
            }
            try {
                return key.custody.sign(key.purpose, data.toByteArray());
            } catch (CustodyException e) {
                throw new SignatureException("the HSM did not sign: " + e.getMessage(), e);
            } finally {
                data.reset();
            }
        }

        @Override
        protected boolean engineVerify(byte[] signature) throws SignatureException {
            throw new SignatureException("this provider only signs");
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String name, Object value) {
            throw new InvalidParameterException("no parameters");
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String name) {
            throw new InvalidParameterException("no parameters");
        }
    }
}
