package ca.heroa.appliance.api;

import ca.heroa.appliance.audit.AuditEntry;
import ca.heroa.appliance.audit.AuditPage;
import ca.heroa.appliance.audit.AuditQuery;
import ca.heroa.appliance.audit.AuditTrail;
import ca.heroa.appliance.audit.Outcome;
import ca.heroa.appliance.auth.Authenticator;
import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ApiRoute;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.appliance.http.JsonCodec;
import ca.heroa.appliance.token.Scope;
import ca.heroa.appliance.workspace.WorkspaceId;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * {@code GET /v1/audit}: the tenant admin reads everything; a workspace token with {@code audit:read} reads its
 * own workspace only, and naming another workspace is the same 404 as naming one that does not exist.
 */
public final class AuditService implements ApiService {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_PARAMETER_LENGTH = 128;
    private static final String CURSOR_PREFIX = "v1:";

    private final Authenticator authenticator;
    private final AuditTrail audit;
    private final JsonCodec json;

    public AuditService(Authenticator authenticator, AuditTrail audit, JsonCodec json) {
        this.authenticator = requireNonNull(authenticator, "authenticator is null");
        this.audit = requireNonNull(audit, "audit is null");
        this.json = requireNonNull(json, "json is null");
    }

    @Override
    public List<ApiRoute> routes() {
        return List.of(new ApiRoute(Method.GET, "/v1/audit", this::list));
    }

    record EntryView(long sequence, Instant occurredAt, String actor, Optional<String> workspace, String action, String target,
                     String outcome, Optional<String> requestId, Optional<String> sourceAddress, Map<String, String> details,
                     String prevHash, String entryHash) {
        static EntryView of(AuditEntry entry) {
            HexFormat hex = HexFormat.of();
            return new EntryView(entry.sequence(), entry.event().occurredAt(), entry.event().actor(), entry.event().workspace(),
                    entry.event().action(), entry.event().target(), entry.event().outcome().value(), entry.event().requestId(),
                    entry.event().sourceAddress(), entry.event().details(), hex.formatHex(entry.prevHash()), hex.formatHex(entry.entryHash()));
        }
    }

    record PageView(List<EntryView> entries, Optional<String> nextCursor) {
    }

    private void list(ServerRequest request, ServerResponse response) {
        Principal principal = authenticator.authenticate(request);
        UriQuery parameters = request.query();
        Optional<String> workspace = parameter(parameters, "workspace");
        switch (principal) {
            case Principal.TenantAdmin admin -> {
            }
            case Principal.WorkspaceMember member -> {
                if (workspace.isPresent() && !workspace.get().equals(member.workspace().value())) {
                    throw new ApiException(ErrorCode.NOT_FOUND);
                }
                if (!member.scopes().contains(Scope.AUDIT_READ)) {
                    throw new ApiException(ErrorCode.FORBIDDEN);
                }
                workspace = Optional.of(member.workspace().value());
            }
            case Principal.Task task -> throw new ApiException(ErrorCode.FORBIDDEN);
        }
        if (workspace.isPresent() && WorkspaceId.parse(workspace.get()).isEmpty()) {
            throw new ApiException(ErrorCode.NOT_FOUND);
        }
        AuditQuery query = new AuditQuery(
                workspace,
                parameter(parameters, "action"),
                parameter(parameters, "actor"),
                parameter(parameters, "outcome").map(value -> outcome(value)),
                parameter(parameters, "since").map(value -> instant("since", value)),
                parameter(parameters, "until").map(value -> instant("until", value)),
                parameter(parameters, "cursor").map(AuditService::cursor),
                parameter(parameters, "limit").map(AuditService::limit).orElse(DEFAULT_LIMIT));
        AuditPage page = audit.query(query);
        json.send(response, Status.OK_200, new PageView(page.entries().stream().map(EntryView::of).toList(),
                page.continueBefore().map(AuditService::encodeCursor)));
    }

    private static Optional<String> parameter(UriQuery query, String name) {
        if (!query.contains(name)) {
            return Optional.empty();
        }
        String value = query.get(name);
        if (value.isEmpty() || value.length() > MAX_PARAMETER_LENGTH) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, name);
        }
        return Optional.of(value);
    }

    private static Outcome outcome(String value) {
        try {
            return Outcome.fromValue(value);
        } catch (IllegalArgumentException e) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, "outcome");
        }
    }

    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private static Instant instant(String name, String value) {
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, name);
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new ApiException(ErrorCode.INVALID_PARAMETER, name);
        }
        return instant;
    }

    private static int limit(String value) {
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= AuditQuery.MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "limit");
    }

    static String encodeCursor(long sequence) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((CURSOR_PREFIX + sequence).getBytes(StandardCharsets.US_ASCII));
    }

    private static long cursor(String value) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII);
            if (decoded.startsWith(CURSOR_PREFIX)) {
                long sequence = Long.parseLong(decoded.substring(CURSOR_PREFIX.length()));
                if (sequence > 0) {
                    return sequence;
                }
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new ApiException(ErrorCode.INVALID_CURSOR);
    }
}
