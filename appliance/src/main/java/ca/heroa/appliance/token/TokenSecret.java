package ca.heroa.appliance.token;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A token as the client holds it: {@code heroa_at_} or {@code heroa_wt_}, a 96-bit public ID in hex, an
 * underscore, and 256 random bits in base64url. Shown once; only its keyed hash is stored. {@link #toString()}
 * never reveals it.
 */
public final class TokenSecret {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORMAT = Pattern.compile("heroa_(at|wt)_([0-9a-f]{24})_([A-Za-z0-9_-]{43})");
    private static final int MAX_LENGTH = 128;

    private final TokenKind kind;
    private final String tokenId;
    private final String value;

    private TokenSecret(TokenKind kind, String tokenId, String value) {
        this.kind = kind;
        this.tokenId = tokenId;
        this.value = value;
    }

    public static TokenSecret generate(TokenKind kind) {
        requireNonNull(kind, "kind is null");
        byte[] id = new byte[12];
        byte[] secret = new byte[32];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        String hexId = HexFormat.of().formatHex(id);
        String value = kind.prefix() + hexId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new TokenSecret(kind, "tok_" + hexId, value);
    }

    /** Parses a presented token; empty when it is not even shaped like one. */
    public static Optional<TokenSecret> parse(String presented) {
        if (presented == null || presented.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        Matcher matcher = FORMAT.matcher(presented);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        TokenKind kind = matcher.group(1).equals("at") ? TokenKind.TENANT_ADMIN : TokenKind.WORKSPACE;
        return Optional.of(new TokenSecret(kind, "tok_" + matcher.group(2), presented));
    }

    public TokenKind kind() {
        return kind;
    }

    /** The public part: safe to log, list and audit. */
    public String tokenId() {
        return tokenId;
    }

    /** The whole token. Only for hashing and for the one response that hands it out. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "TokenSecret[" + tokenId + ", value redacted]";
    }
}
