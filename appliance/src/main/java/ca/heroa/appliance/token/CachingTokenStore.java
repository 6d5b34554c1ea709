package ca.heroa.appliance.token;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.cache.ExpiringCache;
import ca.heroa.appliance.workspace.WorkspaceId;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Serves {@link #find} (the lookup behind every authenticated request) from memory. A revocation or rotation
 * through this store takes effect at once; one made by another process within the cache's time to live. Expiry
 * is always checked against the clock, cached or not.
 */
public final class CachingTokenStore implements TokenStore {
    private final TokenStore delegate;
    private final ExpiringCache<String, TokenRecord> cache;

    public CachingTokenStore(TokenStore delegate, ExpiringCache<String, TokenRecord> cache) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.cache = requireNonNull(cache, "cache is null");
    }

    @Override
    public Optional<TokenRecord> find(String tokenId) {
        return cache.get(tokenId, delegate::find);
    }

    @Override
    public boolean create(TokenRecord token, AuditEvent event) {
        return delegate.create(token, event);
    }

    @Override
    public List<TokenRecord> listForWorkspace(WorkspaceId workspace) {
        return delegate.listForWorkspace(workspace);
    }

    @Override
    public boolean revoke(WorkspaceId workspace, String tokenId, Instant at, AuditEvent event) {
        try {
            return delegate.revoke(workspace, tokenId, at, event);
        } finally {
            cache.invalidate(tokenId);
        }
    }

    @Override
    public boolean createFirstAdmin(TokenRecord token, AuditEvent event) {
        return delegate.createFirstAdmin(token, event);
    }

    @Override
    public void rotateAdmin(TokenRecord replacement, Instant at, AuditEvent event) {
        try {
            delegate.rotateAdmin(replacement, at, event);
        } finally {
            cache.invalidateAll();
        }
    }
}
