package ca.heroa.appliance.audit;

import static java.util.Objects.requireNonNull;

/** The newest link of the audit chain: its sequence and entry hash (sequence 0 and zero hash before the first entry). */
public record ChainHead(long sequence, byte[] hash) {
    public ChainHead {
        hash = requireNonNull(hash, "hash is null").clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ChainHead that && sequence == that.sequence && java.util.Arrays.equals(hash, that.hash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(sequence);
    }
}
