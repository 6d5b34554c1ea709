package ca.heroa.appliance.auth;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.audit.AuditTrail;
import ca.heroa.appliance.audit.Outcome;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.RequestInfo;
import ca.heroa.appliance.token.TokenHasher;
import ca.heroa.appliance.token.TokenKind;
import ca.heroa.appliance.token.TokenRecord;
import ca.heroa.appliance.token.TokenSecret;
import ca.heroa.appliance.token.TokenStore;
import ca.heroa.appliance.workspace.WorkspaceStore;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Turns the bearer token of a request into a {@link Principal}. Unknown, revoked, expired and malformed
 * tokens get the same 401 after the same work (a keyed hash and a constant-time comparison); every failure is
 * audited and counted against the source address.
 */
public final class Authenticator implements RequestAuthenticator {
    private static final String BEARER = "Bearer ";
    private static final int MAX_HEADER_LENGTH = 512;

    private final TokenStore tokens;
    private final WorkspaceStore workspaces;
    private final TokenHasher hasher;
    private final FailedAuthenticationLimiter limiter;
    private final AuditTrail audit;
    private final Clock clock;
    private final TokenSecret decoy;
    private final byte[] decoyHash;

    public Authenticator(TokenStore tokens, WorkspaceStore workspaces, TokenHasher hasher, FailedAuthenticationLimiter limiter,
                         AuditTrail audit, Clock clock) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.hasher = requireNonNull(hasher, "hasher is null");
        this.limiter = requireNonNull(limiter, "limiter is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.decoy = TokenSecret.generate(TokenKind.WORKSPACE);
        this.decoyHash = hasher.hash(decoy);
    }

    @Override
    public Principal authenticate(ServerRequest request) {
        RequestInfo info = RequestInfo.of(request);
        Optional<Duration> wait = limiter.retryAfter(info.sourceAddress());
        if (wait.isPresent()) {
            throw new ApiException(ErrorCode.RATE_LIMITED, Long.toString(Math.max(1, wait.get().toSeconds() + 1)));
        }
        Optional<TokenSecret> presented = request.headers().first(HeaderNames.AUTHORIZATION)
                .filter(value -> value.length() <= MAX_HEADER_LENGTH && value.startsWith(BEARER))
                .flatMap(value -> TokenSecret.parse(value.substring(BEARER.length()).trim()));
        if (presented.isEmpty()) {
            // Same work as for a well-formed token, so the shape of a guess does not show in the timing.
            hasher.matches(decoy, decoyHash);
            return fail(info, "-");
        }
        TokenSecret token = presented.get();
        Optional<TokenRecord> stored = tokens.find(token.tokenId());
        boolean hashMatches = hasher.matches(token, stored.map(TokenRecord::hash).orElse(decoyHash));
        if (stored.isEmpty() || !hashMatches || stored.get().kind() != token.kind() || !stored.get().activeAt(clock.instant())) {
            return fail(info, token.tokenId());
        }
        TokenRecord record = stored.get();
        // A workspace token lives no longer than its workspace, whatever a cache still holds.
        if (record.workspace().isPresent() && workspaces.find(record.workspace().get()).isEmpty()) {
            return fail(info, token.tokenId());
        }
        return switch (record.kind()) {
            case TENANT_ADMIN -> new Principal.TenantAdmin(record.id());
            case WORKSPACE -> new Principal.WorkspaceMember(record.id(), record.workspace().orElseThrow(), record.scopes(), record.expiresAt());
        };
    }

    private Principal fail(RequestInfo info, String tokenId) {
        limiter.recordFailure(info.sourceAddress());
        AuditEvent event = AuditEvent.of(
                new AuditEvent.Context("anonymous", Optional.of(info.requestId()), Optional.of(info.sourceAddress())),
                Optional.empty(), "auth.failed", "token:" + tokenId, Outcome.DENIED, Map.of());
        audit.append(event);
        throw new ApiException(ErrorCode.UNAUTHENTICATED);
    }
}
