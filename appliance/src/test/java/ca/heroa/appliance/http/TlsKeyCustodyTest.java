package ca.heroa.appliance.http;

import ca.heroa.appliance.testing.TestAppliance;
import ca.heroa.hsm.KeyAttributes;
import ca.heroa.hsm.KeyPurpose;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.security.KeyStore;
import java.security.cert.Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's TLS key is the HSM's: the certificate a client receives carries the public half of a never-extractable key. */
class TlsKeyCustodyTest {

    @Test
    void theHandshakeIsMadeWithTheHsmsTlsKey() throws Exception {
        var custody = TestAppliance.get().keys().custody();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestAppliance.get().tls().trustAnchor());
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, factory.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", TestAppliance.get().port())) {
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            assertEquals(custody.certificate(KeyPurpose.TLS_SERVER).getPublicKey(), chain[0].getPublicKey(),
                    "the server certificate is for the HSM's TLS key");
            assertEquals(custody.certificate(KeyPurpose.TLS_CA).getPublicKey(), TestAppliance.get().tls().trustAnchor().getPublicKey(),
                    "the CA clients trust is the HSM's TLS CA key");
        }
        String label = custody.signingKeyLabel(KeyPurpose.TLS_SERVER);
        KeyAttributes key = custody.inventory().stream().filter(k -> k.label().equals(label) && k.isSecret()).findFirst().orElseThrow();
        assertTrue(key.sensitive() && key.neverExtractable(), key.toString());
        assertFalse(key.extractable(), key.toString());
    }
}
