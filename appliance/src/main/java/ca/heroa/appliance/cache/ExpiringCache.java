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
        Optional<V> loaded = loader.apply(key);
        if (loaded.isEmpty()) {
            entries.remove(key);
            return loaded;
        }
        if (entries.size() >= capacity) {
            entries.clear();
        }
        entries.put(key, new Entry<>(loaded.get(), now.plus(timeToLive)));
        return loaded;
    }

    public void invalidate(K key) {
        entries.remove(key);
    }

    public void invalidateAll() {
        entries.clear();
    }

    private record Entry<V>(V value, Instant expiresAt) {
    }
}
