package ca.heroa.appliance.state;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * What may be known about a stored state object without opening it: everything but its value.
 *
 * @param key         its key
 * @param version     1 for a new key, one more on each write
 * @param etag        the version's entity tag
 * @param size        the value's length in bytes
 * @param contentType the media type it was written with
 * @param updatedAt   when this version was written
 * @param updatedBy   who wrote it (an audit actor)
 */
public record StateObject(StateKey key, int version, EntityTag etag, int size, String contentType, Instant updatedAt, String updatedBy) {
    public StateObject {
        requireNonNull(key, "key is null");
        requireNonNull(etag, "etag is null");
        requireNonNull(contentType, "contentType is null");
        requireNonNull(updatedAt, "updatedAt is null");
        requireNonNull(updatedBy, "updatedBy is null");
        if (version < 1 || size < 0) {
            throw new IllegalArgumentException("invalid version or size");
        }
    }
}
