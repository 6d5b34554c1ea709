package ca.heroa.appliance.cache;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExpiringCacheTest {
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-11-24T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void servesFromMemoryUntilTheTimeToLiveEnds() {
        MovableClock clock = new MovableClock();
        ExpiringCache<String, String> cache = new ExpiringCache<>(Duration.ofSeconds(5), 10, clock);
        AtomicInteger loads = new AtomicInteger();
        cache.get("k", key -> Optional.of("v" + loads.incrementAndGet()));
        assertEquals(Optional.of("v1"), cache.get("k", key -> Optional.of("v" + loads.incrementAndGet())));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(Optional.of("v2"), cache.get("k", key -> Optional.of("v" + loads.incrementAndGet())), "expired entries are reloaded");
    }

    @Test
    void invalidationAppliesAtOnceAndAbsenceIsNeverCached() {
        ExpiringCache<String, String> cache = new ExpiringCache<>(Duration.ofMinutes(1), 10, new MovableClock());
        cache.get("k", key -> Optional.of("old"));
        cache.invalidate("k");
        assertEquals(Optional.of("new"), cache.get("k", key -> Optional.of("new")));
        cache.invalidateAll();
        assertEquals(Optional.empty(), cache.get("gone", key -> Optional.empty()));
        assertEquals(Optional.of("back"), cache.get("gone", key -> Optional.of("back")), "a miss is not remembered");
    }

    @Test
    void aValueLoadedWhileAnInvalidationRunsIsNotKept() {
        ExpiringCache<String, String> cache = new ExpiringCache<>(Duration.ofMinutes(1), 10, new MovableClock());
        // The revocation commits and invalidates while a concurrent request is loading the old row.
        cache.get("token", key -> {
            cache.invalidate(key);
            return Optional.of("still-active");
        });
        assertEquals(Optional.of("revoked"), cache.get("token", key -> Optional.of("revoked")),
                "a value that may predate an invalidation must not be served from the cache");
    }

    @Test
    void zeroTimeToLiveDisablesAndCapacityBoundsMemory() {
        ExpiringCache<Integer, Integer> disabled = new ExpiringCache<>(Duration.ZERO, 10, new MovableClock());
        AtomicInteger loads = new AtomicInteger();
        disabled.get(1, key -> Optional.of(loads.incrementAndGet()));
        disabled.get(1, key -> Optional.of(loads.incrementAndGet()));
        assertEquals(2, loads.get());

        ExpiringCache<Integer, Integer> small = new ExpiringCache<>(Duration.ofMinutes(1), 3, new MovableClock());
        for (int i = 0; i < 4; i++) {
            small.get(i, Optional::of);
        }
        AtomicInteger reloads = new AtomicInteger();
        small.get(0, key -> Optional.of(reloads.incrementAndGet()));
        assertEquals(1, reloads.get(), "reaching capacity dropped the old entries");
    }
}
