package ca.heroa.appliance.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Counts failed authentications per source address in fixed windows. An address over the limit is refused
 * (429) until its window ends, whatever token it presents. Memory is bounded: the least recently seen
 * addresses are forgotten first.
 */
public final class FailedAuthenticationLimiter {
    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final Map<String, Window> windows;

    public FailedAuthenticationLimiter(int maxFailures, Duration window, int maxTrackedAddresses, Clock clock) {
        if (maxFailures < 1 || maxTrackedAddresses < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("invalid rate limit settings");
        }
        this.maxFailures = maxFailures;
        this.window = window;
        this.clock = requireNonNull(clock, "clock is null");
        this.windows = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxTrackedAddresses;
            }
        };
    }

    /** How long {@code address} must wait, if it is over the limit now. */
    public synchronized Optional<Duration> retryAfter(String address) {
        Window current = windows.get(address);
        if (current == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant end = current.start().plus(window);
        if (!now.isBefore(end)) {
            windows.remove(address);
            return Optional.empty();
        }
        if (current.failures() < maxFailures) {
            return Optional.empty();
        }
        return Optional.of(Duration.between(now, end));
    }

    public synchronized void recordFailure(String address) {
        Instant now = clock.instant();
        Window current = windows.get(address);
        if (current == null || !now.isBefore(current.start().plus(window))) {
            windows.put(address, new Window(now, 1));
            return;
        }
        windows.put(address, new Window(current.start(), current.failures() + 1));
    }

    private record Window(Instant start, int failures) {
    }
}
