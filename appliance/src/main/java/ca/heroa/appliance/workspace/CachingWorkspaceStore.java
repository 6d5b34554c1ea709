package ca.heroa.appliance.workspace;

import ca.heroa.appliance.audit.AuditEvent;
import ca.heroa.appliance.cache.ExpiringCache;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Serves {@link #find} from memory; every change through this store invalidates what it touches. */
public final class CachingWorkspaceStore implements WorkspaceStore {
    private final WorkspaceStore delegate;
    private final ExpiringCache<WorkspaceId, Workspace> cache;

    public CachingWorkspaceStore(WorkspaceStore delegate, ExpiringCache<WorkspaceId, Workspace> cache) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.cache = requireNonNull(cache, "cache is null");
    }

    @Override
    public void create(Workspace workspace, AuditEvent event) {
        delegate.create(workspace, event);
    }

    @Override
    public Optional<Workspace> find(WorkspaceId id) {
        return cache.get(id, delegate::find);
    }

    @Override
    public List<Workspace> list() {
        return delegate.list();
    }

    @Override
    public Optional<Workspace> rename(WorkspaceId id, String name, AuditEvent event) {
        try {
            return delegate.rename(id, name, event);
        } finally {
            cache.invalidate(id);
        }
    }

    @Override
    public boolean delete(WorkspaceId id, AuditEvent event) {
        try {
            return delegate.delete(id, event);
        } finally {
            cache.invalidate(id);
        }
    }
}
