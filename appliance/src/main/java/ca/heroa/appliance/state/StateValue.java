package ca.heroa.appliance.state;

import static java.util.Objects.requireNonNull;

/**
 * An opened state object: its metadata, the content type sealed with it, and its bytes.
 *
 * @param contentType the content type as sealed with the value (authenticated, unlike the listed copy)
 */
public record StateValue(StateObject object, String contentType, byte[] bytes) {
    public StateValue {
        requireNonNull(object, "object is null");
        requireNonNull(contentType, "contentType is null");
        bytes = requireNonNull(bytes, "bytes is null").clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StateValue that && object.equals(that.object) && contentType.equals(that.contentType)
                && java.util.Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return object.hashCode();
    }

    @Override
    public String toString() {
        return "StateValue[" + object.key() + "@" + object.version() + ", " + bytes.length + " bytes]";
    }
}
