package ca.heroa.appliance.vault;

import static java.util.Objects.requireNonNull;

/** A stored secret version as storage holds it: sealed by the barrier. */
public record SealedSecret(SecretName name, int version, java.time.Instant createdAt, byte[] sealed) {
    public SealedSecret {
        requireNonNull(name, "name is null");
        requireNonNull(createdAt, "createdAt is null");
        sealed = requireNonNull(sealed, "sealed is null").clone();
    }

    @Override
    public byte[] sealed() {
        return sealed.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SealedSecret that && name.equals(that.name) && version == that.version && createdAt.equals(that.createdAt)
                && java.util.Arrays.equals(sealed, that.sealed);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + version;
    }

    @Override
    public String toString() {
        return "SealedSecret[" + name + "@" + version + "]";
    }
}
