package ca.heroa.appliance.state;

import static java.util.Objects.requireNonNull;

/** A stored state object as storage holds it: its metadata and its value sealed by the barrier. */
public record SealedState(StateObject object, byte[] sealed) {
    public SealedState {
        requireNonNull(object, "object is null");
        sealed = requireNonNull(sealed, "sealed is null").clone();
    }

    @Override
    public byte[] sealed() {
        return sealed.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SealedState that && object.equals(that.object) && java.util.Arrays.equals(sealed, that.sealed);
    }

    @Override
    public int hashCode() {
        return object.hashCode();
    }

    @Override
    public String toString() {
        return "SealedState[" + object.key() + "@" + object.version() + "]";
    }
}
