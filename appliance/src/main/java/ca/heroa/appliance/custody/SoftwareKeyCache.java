package ca.heroa.appliance.custody;

import ca.heroa.hsm.SoftwareKey;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Unwrapped software keys, kept for a bounded time. The cache owns them: an entry is closed (its bytes overwritten)
 * when it expires, is invalidated, or the cache overflows; callers use a key at once and never keep it. A caller whose
 * key was closed under it gets {@link ca.heroa.hsm.KeyDestroyedException} and asks again.
 */
final class SoftwareKeyCache<K, V extends SoftwareKey> {
    private final Duration timeToLive;
    private final int capacity;
    private final Clock clock;
    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();

    private record Entry<V>(V key, Instant expiresAt) {
    }

    SoftwareKeyCache(Duration timeToLive, int capacity, Clock clock) {
        this.timeToLive = requireNonNull(timeToLive, "timeToLive is null");
        this.clock = requireNonNull(clock, "clock is null");
        if (timeToLive.isNegative() || capacity < 1) {
            throw new IllegalArgumentException("invalid key cache settings");
        }
        this.capacity = capacity;
    }

    V get(K id, Function<K, V> loader) {
        Instant now = clock.instant();
        Entry<V> cached = entries.get(id);
        if (cached != null && now.isBefore(cached.expiresAt()) && !cached.key().destroyed()) {
            return cached.key();
        }
        if (entries.size() >= capacity) {
            clear();
        }
        // Loaded outside the map's locks: an HSM or database that hangs must not stall eviction of other keys.
        V loaded = loader.apply(id);
        Entry<V> installed = entries.compute(id, (key, old) -> {
            if (old != null && now.isBefore(old.expiresAt()) && !old.key().destroyed()) {
                return old;
            }
            if (old != null) {
                old.key().close();
            }
            return new Entry<>(loaded, now.plus(timeToLive));
        });
        if (installed.key() != loaded) {
            loaded.close();
        }
        return installed.key();
    }

    void invalidate(K id) {
        Entry<V> removed = entries.remove(id);
        if (removed != null) {
            removed.key().close();
        }
    }

    /** Closes what has expired; run periodically. */
    void evictExpired() {
        Instant now = clock.instant();
        entries.forEach((id, entry) -> {
            if (!now.isBefore(entry.expiresAt()) && entries.remove(id, entry)) {
                entry.key().close();
            }
        });
    }

    void clear() {
        entries.forEach((id, entry) -> {
            if (entries.remove(id, entry)) {
                entry.key().close();
            }
        });
    }

    int size() {
        return entries.size();
    }
}
