package ca.heroa.appliance.token;

import ca.heroa.appliance.workspace.WorkspaceId;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A token as stored: metadata and keyed hash, never the token itself.
 */
public record TokenRecord(
        String id,
        TokenKind kind,
        Optional<WorkspaceId> workspace,
        String name,
        Set<Scope> scopes,
        Instant createdAt,
        Optional<Instant> expiresAt,
        Optional<Instant> revokedAt,
        byte[] hash) {

    public TokenRecord {
        requireNonNull(id, "id is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(workspace, "workspace is null");
        requireNonNull(name, "name is null");
        scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(expiresAt, "expiresAt is null");
        requireNonNull(revokedAt, "revokedAt is null");
        hash = requireNonNull(hash, "hash is null").clone();
        if ((kind == TokenKind.WORKSPACE) != workspace.isPresent()) {
            throw new IllegalArgumentException("a workspace token needs a workspace, an admin token has none");
        }
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** Whether the token can authenticate at {@code now}. */
    public boolean activeAt(Instant now) {
        return revokedAt.isEmpty() && expiresAt.map(now::isBefore).orElse(true);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TokenRecord that && id.equals(that.id);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "TokenRecord[" + id + ", " + kind + "]";
    }
}
