package ca.heroa.appliance.token;

import ca.heroa.hsm.Fips;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A token as the client holds it: {@code heroa_at_} or {@code heroa_wt_}, a 96-bit public ID in hex, an
 * underscore, and 256 random bits in base64url. Shown once; only its keyed hash is stored. {@link #toString()}
 * never reveals it.
 */
public final class TokenSecret {
    private static final int ID_LENGTH = 24;
    private static final int SECRET_LENGTH = 43;
    private static final int LENGTH = "heroa_at_".length() + ID_LENGTH + 1 + SECRET_LENGTH;

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
        Fips.random().nextBytes(id);
        Fips.random().nextBytes(secret);
        String hexId = HexFormat.of().formatHex(id);
        String value = kind.prefix() + hexId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new TokenSecret(kind, "tok_" + hexId, value);
    }

    /**
     * Parses a presented token; empty when it is not even shaped like one. Checked character by character, as
     * {@code heroa_(at|wt)_[0-9a-f]{24}_[A-Za-z0-9_-]{43}}: this runs on every request.
     */
    public static Optional<TokenSecret> parse(String presented) {
        if (presented == null || presented.length() != LENGTH) {
            return Optional.empty();
        }
        TokenKind kind;
        if (presented.startsWith(TokenKind.TENANT_ADMIN.prefix())) {
            kind = TokenKind.TENANT_ADMIN;
        } else if (presented.startsWith(TokenKind.WORKSPACE.prefix())) {
            kind = TokenKind.WORKSPACE;
        } else {
            return Optional.empty();
        }
        int idStart = kind.prefix().length();
        int secretStart = idStart + ID_LENGTH + 1;
        for (int i = idStart; i < idStart + ID_LENGTH; i++) {
            char c = presented.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return Optional.empty();
            }
        }
        if (presented.charAt(secretStart - 1) != '_') {
            return Optional.empty();
        }
        for (int i = secretStart; i < LENGTH; i++) {
            char c = presented.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
                return Optional.empty();
            }
        }
        return Optional.of(new TokenSecret(kind, "tok_" + presented.substring(idStart, idStart + ID_LENGTH), presented));
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
