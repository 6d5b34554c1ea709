package ca.heroa.appliance.state;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A state object's key, e.g. {@code agents/run-7/checkpoint.json}: 1 to {@value #MAX_LENGTH} characters from
 * {@code A-Z a-z 0-9 . _ - /}, in segments separated by single slashes, with no empty, {@code .} or {@code ..} segment.
 * Keys are names in a flat namespace, never paths on a disk; the rules still refuse anything a path could misread, so a
 * client or a future file-backed view cannot be tricked into traversal.
 */
public record StateKey(String value) {
    public static final int MAX_LENGTH = 512;

    public StateKey {
        requireNonNull(value, "value is null");
        if (!valid(value)) {
            throw new IllegalArgumentException("not a valid state key");
        }
    }

    public static Optional<StateKey> parse(String value) {
        return value != null && valid(value) ? Optional.of(new StateKey(value)) : Optional.empty();
    }

    /** Whether {@code prefix} can begin a key: the allowed characters only, and at most {@link #MAX_LENGTH}; may be empty. */
    public static boolean validPrefix(String prefix) {
        requireNonNull(prefix, "prefix is null");
        if (prefix.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (!allowed(prefix.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean valid(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        int segmentStart = 0;
        for (int i = 0; i <= value.length(); i++) {
            if (i == value.length() || value.charAt(i) == '/') {
                if (!validSegment(value, segmentStart, i)) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (!allowed(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean validSegment(String value, int start, int end) {
        int length = end - start;
        if (length == 0) {
            return false;
        }
        boolean dots = value.charAt(start) == '.' && (length == 1 || length == 2 && value.charAt(start + 1) == '.');
        return !dots;
    }

    private static boolean allowed(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '/';
    }

    @Override
    public String toString() {
        return value;
    }
}
