package ca.heroa.appliance.http;

import ca.heroa.appliance.Appliance;
import ca.heroa.appliance.testing.ApiClient;
import ca.heroa.appliance.testing.Prerequisites;
import ca.heroa.appliance.testing.TestAppliance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Promise 3: HTTPS only, TLS 1.3 minimum, on every listening socket. */
class TlsOnlyTest {
    private static Appliance appliance;

    @BeforeAll
    static void start() {
        appliance = TestAppliance.get();
    }

    private static int port(String socket) {
        return socket.equals("public") ? appliance.port() : appliance.adminPort();
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "admin"})
    void tls13HandshakeSucceeds(String socket) throws IOException {
        try (SSLSocket tls = (SSLSocket) ApiClient.trusting(appliance.tls().trustAnchor()).getSocketFactory()
                .createSocket("localhost", port(socket))) {
            tls.setEnabledProtocols(new String[] {"TLSv1.3"});
            tls.startHandshake();
            assertEquals("TLSv1.3", tls.getSession().getProtocol());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "admin"})
    void jdkClientForcedToTls12IsRefused(String socket) {
        assertThrows(SSLHandshakeException.class, () -> {
            try (SSLSocket tls = (SSLSocket) ApiClient.trusting(appliance.tls().trustAnchor()).getSocketFactory()
                    .createSocket("localhost", port(socket))) {
                tls.setEnabledProtocols(new String[] {"TLSv1.2"});
                tls.startHandshake();
            }
        }, "a TLS 1.2 handshake must fail on the " + socket + " socket");
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "admin"})
    void opensslTls12IsRefusedAndTls13Works(String socket) throws Exception {
        Prerequisites.requireCommand("openssl", "openssl");
        Path ca = Files.createTempFile("heroa-ca", ".pem");
        try {
            Files.writeString(ca, "-----BEGIN CERTIFICATE-----\n"
                    + java.util.Base64.getMimeEncoder().encodeToString(appliance.tls().trustAnchor().getEncoded())
                    + "\n-----END CERTIFICATE-----\n");
            OpensslResult tls12 = openssl("-tls1_2", port(socket), ca);
            assertNotEquals(0, tls12.exitCode(), "openssl -tls1_2 must fail: " + tls12.output());
            assertTrue(tls12.output().contains("alert protocol version") || tls12.output().contains("no protocols available"),
                    "openssl -tls1_2 must be refused by protocol version: " + tls12.output());
            OpensslResult tls13 = openssl("-tls1_3", port(socket), ca);
            assertEquals(0, tls13.exitCode(), "openssl -tls1_3 must succeed: " + tls13.output());
            assertTrue(tls13.output().contains("TLSv1.3"), tls13.output());
            assertTrue(tls13.output().contains("Verify return code: 0"), "certificate must verify against the CA: " + tls13.output());
            assertTrue(tls13.output().contains("TLS_AES_256_GCM_SHA384") || tls13.output().contains("TLS_AES_128_GCM_SHA256"),
                    "an AES-GCM suite (FIPS-approved) is chosen: " + tls13.output());
            OpensslResult chacha = openssl("-tls1_3", port(socket), ca, "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256");
            assertNotEquals(0, chacha.exitCode(), "ChaCha20-Poly1305 (not FIPS-approved) must be refused: " + chacha.output());
            OpensslResult x25519 = openssl("-tls1_3", port(socket), ca, "-groups", "X25519");
            assertNotEquals(0, x25519.exitCode(), "X25519 key exchange (not FIPS-approved) must be refused: " + x25519.output());
            OpensslResult p256 = openssl("-tls1_3", port(socket), ca, "-groups", "P-256");
            assertEquals(0, p256.exitCode(), "P-256 key exchange works: " + p256.output());
        } finally {
            Files.deleteIfExists(ca);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"public", "admin"})
    void plainHttpGetsNoHttpAnswer(String socket) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port(socket)), 5_000);
            plain.setSoTimeout(5_000);
            OutputStream out = plain.getOutputStream();
            out.write("GET /v1/openapi HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] answer = readSome(plain.getInputStream());
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            assertFalse(text.startsWith("HTTP/"), "a plain-HTTP request must not get an HTTP response, got: " + text);
        }
    }

    @org.junit.jupiter.api.Test
    void adminSocketListensOn127001Only() throws IOException {
        try (Socket loopback = new Socket()) {
            loopback.connect(new InetSocketAddress("127.0.0.1", appliance.adminPort()), 2_000);
        }
        try (Socket other = new Socket()) {
            assertThrows(IOException.class, () -> other.connect(new InetSocketAddress("127.0.0.2", appliance.adminPort()), 2_000),
                    "the admin socket is bound to 127.0.0.1 only");
        }
    }

    private static byte[] readSome(InputStream in) throws IOException {
        try {
            return in.readNBytes(64);
        } catch (SocketTimeoutException | java.net.SocketException e) {
            return new byte[0];
        }
    }

    private record OpensslResult(int exitCode, String output) {
    }

    private static OpensslResult openssl(String protocol, int port, Path ca, String... extra) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("openssl", "s_client", protocol, "-connect", "localhost:" + port,
                "-servername", "localhost", "-CAfile", ca.toString(), "-verify_return_error"));
        command.addAll(java.util.List.of(extra));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        boolean finished = process.waitFor(20, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new OpensslResult(finished ? process.exitValue() : -1, output);
    }
}
