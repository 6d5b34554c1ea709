package ca.heroa.appliance.image;

import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** The SHA-256 member of an RFC 9530 {@code Content-Digest} header, e.g. {@code sha-256=:X48E9qOok...=:}. */
public final class ContentDigest {
    private static final int SHA256_BYTES = 32;

    private ContentDigest() {
    }

    /** The 32 bytes the header's {@code sha-256} member names; empty when it has none or it is malformed. */
    public static Optional<byte[]> sha256(String header) {
        if (header == null || header.length() > 4096) {
            return Optional.empty();
        }
        for (String member : header.split(",")) {
            int equals = member.indexOf('=');
            if (equals < 0 || !member.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("sha-256")) {
                continue;
            }
            String value = member.substring(equals + 1).strip();
            if (value.length() < 2 || value.charAt(0) != ':' || value.charAt(value.length() - 1) != ':') {
                return Optional.empty();
            }
            try {
                byte[] digest = Base64.getDecoder().decode(value.substring(1, value.length() - 1));
                return digest.length == SHA256_BYTES ? Optional.of(digest) : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
