package ca.heroa.appliance.custody;

import ca.heroa.appliance.audit.CheckpointSigner;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.KeyPurpose;

import static java.util.Objects.requireNonNull;

/** Audit checkpoints signed in the HSM by key custody's audit-signing key. */
public final class AuditSigningKey implements CheckpointSigner {
    private final KeyCustody custody;

    public AuditSigningKey(KeyCustody custody) {
        this.custody = requireNonNull(custody, "custody is null");
    }

    @Override
    public String keyLabel() {
        return custody.signingKeyLabel(KeyPurpose.AUDIT_SIGNING);
    }

    @Override
    public byte[] sign(byte[] statement) {
        return custody.sign(KeyPurpose.AUDIT_SIGNING, statement);
    }
}
