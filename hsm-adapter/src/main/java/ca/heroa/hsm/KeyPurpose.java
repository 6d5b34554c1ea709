package ca.heroa.hsm;

/** The keys that live on the token. Software keys (data keys, the token-hash key) are wrapped by the first. */
public enum KeyPurpose {
    /** AES-256, sensitive, never extractable: wraps every software key. Rotated by generation ({@code -kek-2}, ...). */
    KEY_ENCRYPTION("kek"),
    /** EC P-256 private key, sensitive, never extractable: signs audit checkpoints. */
    AUDIT_SIGNING("audit-signing"),
    /** EC P-256 private key, sensitive, never extractable: signs attestation reports. */
    ATTESTATION_SIGNING("attestation-signing"),
    /** EC P-256 private key, sensitive, never extractable: the development CA that issues the server's TLS certificate. */
    TLS_CA("tls-ca"),
    /** EC P-256 private key, sensitive, never extractable: the server's TLS key (each TLS 1.3 handshake signs with it). */
    TLS_SERVER("tls-server");

    private final String labelSuffix;

    KeyPurpose(String labelSuffix) {
        this.labelSuffix = labelSuffix;
    }

    String labelSuffix() {
        return labelSuffix;
    }

    /** The purposes served by an EC signing key pair (every one but the key-encryption key). */
    public static java.util.List<KeyPurpose> signing() {
        return java.util.Arrays.stream(values()).filter(purpose -> purpose != KEY_ENCRYPTION).toList();
    }
}
