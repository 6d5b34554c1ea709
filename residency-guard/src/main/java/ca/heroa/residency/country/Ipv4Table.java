package ca.heroa.residency.country;

import java.util.Optional;

/**
 * IPv4 ranges as one sorted primitive array, start, end and country side by side (three ints per range) so that a
 * lookup touches as few cache lines as possible. Addresses are stored with their sign bit flipped, so that the signed
 * comparisons of {@code int} order them as unsigned numbers.
 */
final class Ipv4Table {
    private static final int WIDTH = 3;

    private final int[] ranges;
    private final int size;
    /**
     * {@code buckets[b]} is the first range whose start has its top 16 bits at or above {@code b}: a lookup searches
     * only the ranges of its own /16, a few steps in a few cache lines instead of 19 steps across megabytes.
     */
    private final int[] buckets;

    /** Arrays sorted by start, without overlap. */
    Ipv4Table(int[] starts, int[] ends, short[] countries) {
        size = starts.length;
        ranges = new int[size * WIDTH];
        for (int i = 0; i < size; i++) {
            ranges[WIDTH * i] = starts[i];
            ranges[WIDTH * i + 1] = ends[i];
            ranges[WIDTH * i + 2] = countries[i];
        }
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

    static int key(byte[] address) {
        return ((address[0] & 0xff) << 24 | (address[1] & 0xff) << 16 | (address[2] & 0xff) << 8 | (address[3] & 0xff))
                ^ Integer.MIN_VALUE;
    }

    private static int bucket(int key) {
        return (key ^ Integer.MIN_VALUE) >>> 16;
    }

    int size() {
        return size;
    }

    Optional<String> country(int key) {
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
