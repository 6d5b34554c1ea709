package ca.heroa.residency.country;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * IPv6 ranges as one sorted primitive array, five longs per range side by side (start high and low 64 bits, end high
 * and low, country), searched for {@link #countryOfAll}; single addresses are looked up in the {@link Ipv6Index} built
 * from the same ranges. Addresses have their sign bits flipped, so that signed comparisons order them as unsigned
 * numbers.
 */
final class Ipv6Table {
    static final int BUCKET_BITS = 16;
    private static final int WIDTH = 5;
    private static final VarHandle BIG_ENDIAN_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final long[] ranges;
    private final int size;
    /** As in {@link Ipv4Table}, over the top {@value #BUCKET_BITS} bits (only {@link #countryOfAll} searches here). */
    private final int[] buckets;
    private final Ipv6Index direct;

    /** Arrays sorted by start, without overlap. */
    Ipv6Table(long[] startHigh, long[] startLow, long[] endHigh, long[] endLow, short[] countries) {
        size = countries.length;
        ranges = new long[size * WIDTH];
        for (int i = 0; i < size; i++) {
            ranges[WIDTH * i] = startHigh[i];
            ranges[WIDTH * i + 1] = startLow[i];
            ranges[WIDTH * i + 2] = endHigh[i];
            ranges[WIDTH * i + 3] = endLow[i];
            ranges[WIDTH * i + 4] = countries[i];
        }
        direct = Ipv6Index.build(startHigh, startLow, endHigh, endLow, countries);
        buckets = new int[size == 0 ? 2 : (1 << BUCKET_BITS) + 1];
        if (size == 0) {
            return;
        }
        int row = 0;
        for (int bucket = 0; bucket <= 1 << BUCKET_BITS; bucket++) {
            while (row < size && bucket(startHigh[row]) < bucket) {
                row++;
            }
            buckets[bucket] = row;
        }
    }

    /** The top 64 bits of a 16-byte address, sign bit flipped (one big-endian load: fewer instructions per lookup). */
    static long high(byte[] address) {
        return (long) BIG_ENDIAN_LONG.get(address, 0) ^ Long.MIN_VALUE;
    }

    static long low(byte[] address) {
        return (long) BIG_ENDIAN_LONG.get(address, 8) ^ Long.MIN_VALUE;
    }

    private static int bucket(long high) {
        return (int) ((high ^ Long.MIN_VALUE) >>> (64 - BUCKET_BITS));
    }

    int size() {
        return size;
    }

    Optional<String> country(long high, long low) {
        return Countries.answer(direct.code(high, low));
    }

    /** Bytes held by the arrays, for the load report. */
    long bytes() {
        return 8L * ranges.length + 4L * buckets.length + direct.bytes();
    }

    Ipv6Index index() {
        return direct;
    }

    /** The country found by searching the ranges, as {@link Ipv6Index} must answer. */
    Optional<String> searched(long high, long low) {
        int index = rangeAtOrBefore(high, low);
        if (index < 0 || after(high, low, ranges[WIDTH * index + 2], ranges[WIDTH * index + 3])) {
            return Optional.empty();
        }
        return Countries.code((int) ranges[WIDTH * index + 4]);
    }

    /** The country whose single range holds every address from first to last (see {@link Ipv4Table#countryOfAll}). */
    Optional<String> countryOfAll(long firstHigh, long firstLow, long lastHigh, long lastLow) {
        int index = rangeAtOrBefore(firstHigh, firstLow);
        if (index < 0 || after(lastHigh, lastLow, ranges[WIDTH * index + 2], ranges[WIDTH * index + 3])) {
            return Optional.empty();
        }
        return Countries.code((int) ranges[WIDTH * index + 4]);
    }

    private int rangeAtOrBefore(long high, long low) {
        if (size == 0) {
            return -1;
        }
        int bucket = bucket(high);
        int lowIndex = buckets[bucket];
        int highIndex = buckets[bucket + 1] - 1;
        while (lowIndex <= highIndex) {
            int middle = (lowIndex + highIndex) >>> 1;
            long middleHigh = ranges[WIDTH * middle];
            if (middleHigh < high || (middleHigh == high && ranges[WIDTH * middle + 1] <= low)) {
                lowIndex = middle + 1;
            } else {
                highIndex = middle - 1;
            }
        }
        return highIndex;
    }

    /** True if address a comes after address b. */
    static boolean after(long aHigh, long aLow, long bHigh, long bLow) {
        return aHigh > bHigh || (aHigh == bHigh && aLow > bLow);
    }
}
