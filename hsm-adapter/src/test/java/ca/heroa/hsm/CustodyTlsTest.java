package ca.heroa.hsm;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A TLS 1.3 handshake whose server key never leaves the HSM: the client verifies the signature the HSM made. */
class CustodyTlsTest {

    @Test
    void aTls13HandshakeIsSignedInTheHsm() throws Exception {
        try (KeyCustody custody = TestToken.provisioned("tls")) {
            X509Certificate certificate = custody.certificate(KeyPurpose.TLS_SERVER);
            SSLContext server = CustodyTls.serverContext(custody, KeyPurpose.TLS_SERVER, List.of(certificate));
            try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                listener.setEnabledProtocols(new String[] {"TLSv1.3"});
                CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                    try (SSLSocket socket = (SSLSocket) listener.accept(); OutputStream out = socket.getOutputStream()) {
                        out.write(42);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try (SSLSocket client = (SSLSocket) trusting(certificate).getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                        listener.getLocalPort()); InputStream in = client.getInputStream()) {
                    client.startHandshake();
                    assertEquals("TLSv1.3", client.getSession().getProtocol());
                    assertEquals(certificate, client.getSession().getPeerCertificates()[0], "the HSM key's certificate was presented");
                    assertEquals(42, in.read());
                }
                served.get(10, TimeUnit.SECONDS);
            }
            assertThrows(IllegalArgumentException.class,
                    () -> CustodyTls.serverContext(custody, KeyPurpose.TLS_SERVER, List.of(custody.certificate(KeyPurpose.TLS_CA))),
                    "a certificate for another key is refused");
        }
    }

    private static SSLContext trusting(X509Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate);
        TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
