package ca.heroa.appliance.audit;

/** Signs checkpoint statements with the audit-signing key (in the HSM). */
public interface CheckpointSigner {
    /** The label of the signing key. */
    String keyLabel();

    /** DER SHA-256-with-ECDSA signature of {@code statement}. */
    byte[] sign(byte[] statement);
}
