package ca.heroa.appliance.state;

import ca.heroa.hsm.Fips;

import java.util.Base64;

import static java.util.Objects.requireNonNull;

/**
 * The strong entity tag of one stored version, {@code <version>.<nonce>}: the version number and a random nonce drawn
 * for that write. It says nothing about the content (no hash of it), and a key deleted and written again never gets
 * a tag it had before, although its version numbers start again at 1.
 *
 * @param value the tag without the quotes of the HTTP form
 */
public record EntityTag(String value) {
    private static final int NONCE_BYTES = 12;
    private static final int MAX_LENGTH = 64;

    public EntityTag {
        requireNonNull(value, "value is null");
        if (value.isEmpty() || value.length() > MAX_LENGTH || !value.chars().allMatch(EntityTag::tagCharacter)) {
            throw new IllegalArgumentException("not an entity tag");
        }
    }

    /** A fresh nonce for a write, drawn from the FIPS DRBG. */
    public static String newNonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        Fips.random().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static EntityTag of(int version, String nonce) {
        return new EntityTag(version + "." + nonce);
    }

    /** The HTTP form, in double quotes, as sent in {@code ETag} and expected in {@code If-Match}. */
    public String header() {
        return '"' + value + '"';
    }

    private static boolean tagCharacter(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-';
    }

    @Override
    public String toString() {
        return header();
    }
}
