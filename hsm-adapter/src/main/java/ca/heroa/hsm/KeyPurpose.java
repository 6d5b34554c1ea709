package ca.heroa.hsm;

/** The keys that live on the token. Software keys (data keys, the token-hash key) are wrapped by the first. */
public enum KeyPurpose {
    /** AES-256, sensitive, never extractable: wraps every software key. Rotated by generation ({@code -kek-2}, ...). */
    KEY_ENCRYPTION("kek"),
    /** EC P-256 private key, sensitive, never extractable: signs audit checkpoints. */
    AUDIT_SIGNING("audit-signing"),
    /** EC P-256 private key, sensitive, never extractable: signs attestation reports. */
    ATTESTATION_SIGNING("attestation-signing");

    private final String labelSuffix;

    KeyPurpose(String labelSuffix) {
        this.labelSuffix = labelSuffix;
    }

    String labelSuffix() {
        return labelSuffix;
    }
}
