package ca.heroa.residency.country;

import java.util.Optional;

/**
 * Two-letter country codes as small numbers ({@code (first - 'A') * 26 + (second - 'A')}), so range tables hold a
 * {@code short} per range and a lookup returns a pre-built {@code Optional} without allocating.
 */
final class Countries {
    static final int COUNT = 26 * 26;
    private static final Optional<?>[] CODES = new Optional<?>[COUNT];
    /** By lookup code: 0 for no country, {@code 1 + index} for a country (see {@link Ipv4Index}). */
    private static final Optional<?>[] ANSWERS = new Optional<?>[COUNT + 1];

    static {
        ANSWERS[0] = Optional.empty();
        for (int index = 0; index < COUNT; index++) {
            char[] letters = {(char) ('A' + index / 26), (char) ('A' + index % 26)};
            CODES[index] = Optional.of(new String(letters).intern());
            ANSWERS[index + 1] = CODES[index];
        }
    }

    private Countries() {
    }

    /** The index of a country written as two upper-case ASCII letters, or -1. */
    static int index(byte first, byte second) {
        if (first < 'A' || first > 'Z' || second < 'A' || second > 'Z') {
            return -1;
        }
        return (first - 'A') * 26 + (second - 'A');
    }

    /** The answer for a lookup code: 0 is no country, {@code 1 + index} the country of that index. */
    @SuppressWarnings("unchecked")
    static Optional<String> answer(int code) {
        return (Optional<String>) ANSWERS[code];
    }

    @SuppressWarnings("unchecked")
    static Optional<String> code(int index) {
        return (Optional<String>) CODES[index];
    }
}
