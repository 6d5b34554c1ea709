package ca.heroa.appliance.api;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.auth.Access;
import ca.heroa.appliance.auth.Authenticator;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ApiRoute;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.http.RequestInfo;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.token.TokenHasher;
import ca.heroa.appliance.token.TokenKind;
import ca.heroa.appliance.token.TokenRecord;
import ca.heroa.appliance.token.TokenSecret;
import ca.heroa.appliance.token.TokenStore;
import ca.heroa.appliance.workspace.WorkspaceId;
import ca.heroa.appliance.workspace.WorkspaceStore;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** {@code /v1/workspaces/{workspace}/tokens}: create (shown once), list metadata, revoke. */
public final class TokenService implements ApiService {
    static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);
    static final Duration MAX_LIFETIME = Duration.ofDays(366);
    private static final int MAX_SCOPES = 16;

    private final Authenticator authenticator;
    private final TokenStore tokens;
    private final WorkspaceStore workspaces;
    private final TokenHasher hasher;
    private final JsonCodec json;
    private final Clock clock;

    public TokenService(Authenticator authenticator, TokenStore tokens, WorkspaceStore workspaces, TokenHasher hasher, JsonCodec json, Clock clock) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.hasher = requireNonNull(hasher, "hasher is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(
                new ApiRoute(Method.POST, "/v1/workspaces/{workspace}/tokens", this::create),
                new ApiRoute(Method.GET, "/v1/workspaces/{workspace}/tokens", this::list),
                new ApiRoute(Method.DELETE, "/v1/workspaces/{workspace}/tokens/{token}", this::revoke));
    }

    record CreateBody(String name, List<String> scopes, String expiresAt) {
    }

    record TokenView(String id, String name, List<String> scopes, Instant createdAt, Optional<Instant> expiresAt, Optional<Instant> revokedAt) {
        static TokenView of(TokenRecord token) {
            return new TokenView(token.id(), token.name(), scopeValues(token.scopes()), token.createdAt(), token.expiresAt(), token.revokedAt());
        }
    }

    record IssuedTokenView(String id, String name, List<String> scopes, Instant createdAt, Instant expiresAt, String token) {
    }

    record TokenList(List<TokenView> tokens) {
    }

    private void create(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = Access.workspace(principal, request.path().pathParameters().get("workspace"), Scope.TOKENS_MANAGE);
        CreateBody body = json.read(request, CreateBody.class);
        RequestNames.require(body.name());
        Set<Scope> scopes = scopes(body.scopes());
        if (principal instanceof Principal.WorkspaceMember member && !member.scopes().containsAll(scopes)) {
            throw new ApiException(ErrorCode.SCOPE_NOT_GRANTABLE);
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant expiresAt = expiry(body.expiresAt(), now);
        if (principal instanceof Principal.WorkspaceMember member && member.expiresAt().isPresent()
                && expiresAt.isAfter(member.expiresAt().get())) {
            // A token cannot outlive the token that made it.
            expiresAt = member.expiresAt().get();
        }
        TokenSecret secret = TokenSecret.generate(TokenKind.WORKSPACE);
        TokenRecord record = new TokenRecord(secret.tokenId(), TokenKind.WORKSPACE, Optional.of(workspace), body.name(), scopes,
                now, Optional.of(expiresAt), Optional.empty(), hasher.hash(secret));
        boolean created = tokens.create(record, AuditEvent.success(principal.auditContext(RequestInfo.of(request)),
                Optional.of(workspace.value()), "token.create", "token:" + record.id(),
                Map.of("name", body.name(), "scopes", String.join(" ", scopeValues(scopes)), "expiresAt", expiresAt.toString())));
        if (!created) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        json.send(response, Status.CREATED_201,
                new IssuedTokenView(record.id(), record.name(), scopeValues(scopes), now, expiresAt, secret.reveal()));
    }

    private void list(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = Access.workspace(principal, request.path().pathParameters().get("workspace"), Scope.TOKENS_MANAGE);
        if (workspaces.find(workspace).isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        json.send(response, Status.OK_200, new TokenList(tokens.listForWorkspace(workspace).stream().map(TokenView::of).toList()));
    }

    private void revoke(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        WorkspaceId workspace = Access.workspace(principal, request.path().pathParameters().get("workspace"), Scope.TOKENS_MANAGE);
        String tokenId = request.path().pathParameters().get("token");
        if (tokenId.length() > 64) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        if (principal instanceof Principal.WorkspaceMember member) {
            // A member may revoke only what it could have granted: not a token holding more than it holds.
            TokenRecord target = tokens.find(tokenId)
                    .filter(token -> token.workspace().equals(Optional.of(workspace)))
                    .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND));
            if (!member.scopes().containsAll(target.scopes())) {
                throw new ApiException(ErrorCode.SCOPE_NOT_GRANTABLE);
            }
        }
        boolean revoked = tokens.revoke(workspace, tokenId, clock.instant(), AuditEvent.success(
                principal.auditContext(RequestInfo.of(request)), Optional.of(workspace.value()), "token.revoke", "token:" + tokenId, Map.of()));
        if (!revoked) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private static Set<Scope> scopes(List<String> values) {
        if (values == null || values.isEmpty()) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "scopes");
        }
        if (values.size() > MAX_SCOPES) {
            throw new ApiException(ErrorCode.INVALID_SCOPE, "…");
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String value : values) {
            Scope scope = Scope.fromValue(value).orElseThrow(() -> new ApiException(ErrorCode.INVALID_SCOPE, truncate(String.valueOf(value))));
            scopes.add(scope);
        }
        return scopes;
    }

    private Instant expiry(String requested, Instant now) {
        if (requested == null) {
            return now.plus(DEFAULT_LIFETIME);
        }
        Instant expiresAt;
        try {
            expiresAt = OffsetDateTime.parse(requested).toInstant().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new ApiException(ErrorCode.INVALID_EXPIRY, Long.toString(MAX_LIFETIME.toDays()));
        }
        if (!expiresAt.isAfter(now.plusSeconds(60)) || expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
            throw new ApiException(ErrorCode.INVALID_EXPIRY, Long.toString(MAX_LIFETIME.toDays()));
        }
        return expiresAt;
    }

    private static List<String> scopeValues(Set<Scope> scopes) {
        return scopes.stream().map(Scope::value).sorted().collect(Collectors.toList());
    }

    private static String truncate(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }
}
