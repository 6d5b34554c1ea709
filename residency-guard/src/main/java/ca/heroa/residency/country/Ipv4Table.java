package ca.heroa.residency.country;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * IPv4 ranges as one sorted primitive array, start, end and country side by side (three ints per range), searched for
 * {@link #countryOfAll} and for the few addresses that the direct {@link Ipv4Index} leaves to a search (those of a /24
 * holding a range boundary). Addresses are stored with their sign bit flipped, so that the signed comparisons of
 * {@code int} order them as unsigned numbers.
 */
final class Ipv4Table {
    private static final int WIDTH = 3;
    private static final VarHandle BIG_ENDIAN_INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private final int[] ranges;
    private final int size;
    /**
     * {@code buckets[b]} is the first range whose start has its top 16 bits at or above {@code b}: a lookup searches
     * only the ranges of its own /16, a few steps in a few cache lines instead of 19 steps across megabytes.
     */
    private final int[] buckets;
    private final Ipv4Index direct;

    /** Arrays sorted by start, without overlap. */
    Ipv4Table(int[] starts, int[] ends, short[] countries) {
        size = starts.length;
        ranges = new int[size * WIDTH];
        for (int i = 0; i < size; i++) {
            ranges[WIDTH * i] = starts[i];
            ranges[WIDTH * i + 1] = ends[i];
            ranges[WIDTH * i + 2] = countries[i];
        }
        direct = Ipv4Index.build(starts, ends, countries);
        buckets = new int[size == 0 ? 2 : (1 << 16) + 1];
        if (size == 0) {
            return;
        }
        int row = 0;
        for (int bucket = 0; bucket <= 1 << 16; bucket++) {
            while (row < size && bucket(starts[row]) < bucket) {
                row++;
            }
            buckets[bucket] = row;
        }
    }

    static int key(long unsignedAddress) {
        return (int) unsignedAddress ^ Integer.MIN_VALUE;
    }

    /** The key of a 4-byte address (one big-endian load). */
    static int key(byte[] address) {
        return (int) BIG_ENDIAN_INT.get(address, 0) ^ Integer.MIN_VALUE;
    }

    private static int bucket(int key) {
        return (key ^ Integer.MIN_VALUE) >>> 16;
    }

    int size() {
        return size;
    }

    Optional<String> country(int key) {
        int code = direct.code(key);
        return code != Ipv4Index.NOT_HERE ? Countries.answer(code) : searched(key);
    }

    /** Bytes held by the arrays, for the load report. */
    long bytes() {
        return 4L * ranges.length + 4L * buckets.length + direct.bytes();
    }

    Ipv4Index index() {
        return direct;
    }

    /** The country found by searching the ranges (what {@link Ipv4Index} answers directly for most addresses). */
    Optional<String> searched(int key) {
        int index = rangeAtOrBefore(key);
        if (index < 0 || key > ranges[WIDTH * index + 1]) {
            return Optional.empty();
        }
        return Countries.code(ranges[WIDTH * index + 2]);
    }

    /** The country whose single range holds every key from {@code first} to {@code last}. */
    Optional<String> countryOfAll(int first, int last) {
        int index = rangeAtOrBefore(first);
        if (index < 0 || last > ranges[WIDTH * index + 1]) {
            // Adjacent ranges of one country were merged at load time: a block needing two ranges spans two countries or a gap.
            return Optional.empty();
        }
        return Countries.code(ranges[WIDTH * index + 2]);
    }

    private int rangeAtOrBefore(int key) {
        if (size == 0) {
            return -1;
        }
        int bucket = bucket(key);
        int low = buckets[bucket];
        int high = buckets[bucket + 1] - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (ranges[WIDTH * middle] <= key) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return high;
    }
}
