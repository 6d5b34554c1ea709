package ca.heroa.appliance.cache;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * A bounded map whose entries expire after a fixed time. Used for lookups on the hot path (token, workspace) so a
 * request does not wait on the database; whoever changes the underlying data through this process invalidates
 * the entry, so only changes made elsewhere can be seen late, and never later than the time to live.
 * <p>
 * A zero time to live disables caching. At capacity the whole cache is dropped: simple, bounded, and
 * harmless for lookups that are cheap to redo.
 */
public final class ExpiringCache<K, V> {
    private final Duration timeToLive;
    private final int capacity;
    private final Clock clock;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    /** Moves on every invalidation, so a value loaded before one is never kept after it. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public ExpiringCache(Duration timeToLive, int capacity, Clock clock) {
        this.timeToLive = requireNonNull(timeToLive, "timeToLive is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (timeToLive.isNegative() || capacity < 1) {
            throw new IllegalArgumentException("invalid cache settings");
        }
        this.capacity = capacity;
    }

    /** The cached value for {@code key}, or the loader's answer (cached only when present). */
    public Optional<V> get(K key, Function<K, Optional<V>> loader) {
        if (timeToLive.isZero()) {
            return loader.apply(key);
        }
        Instant now = clock.instant();
        Entry<V> cached = entries.get(key);
        if (cached != null && now.isBefore(cached.expiresAt())) {
            return Optional.of(cached.value());
        }
        long loadedIn = generation.get();
        Optional<V> loaded = loader.apply(key);
        if (loaded.isEmpty()) {
            entries.remove(key);
            return loaded;
        }
        if (entries.size() >= capacity) {
            entries.clear();
        }
        Entry<V> entry = new Entry<>(loaded.get(), now.plus(timeToLive));
        entries.put(key, entry);
        if (generation.get() != loadedIn) {
            // An invalidation ran while this value was loaded: it may predate the change, so do not keep it.
            entries.remove(key, entry);
        }
        return loaded;
    }

    public void invalidate(K key) {
        generation.incrementAndGet();
        entries.remove(key);
    }

    public void invalidateAll() {
        generation.incrementAndGet();
        entries.clear();
    }

    private record Entry<V>(V value, Instant expiresAt) {
    }
}
