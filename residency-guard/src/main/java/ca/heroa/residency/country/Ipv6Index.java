package ca.heroa.residency.country;

import java.util.Arrays;

/**
 * IPv6 ranges as a partition of the space of /64 prefixes (the top 64 bits), reached through a trie of bucket tables,
 * so that most lookups read a few entries, one cache line each, instead of bisecting hundreds of thousands of ranges:
 * the lookup cost is dominated by dependent cache misses, so what counts is how many memory reads depend on each other.
 *
 * <p>The partition is a sorted array of segment starts, each segment a run of /64s in one range, in no range, or a
 * single /64 that holds a range boundary. The trie:
 * <ol>
 * <li>one {@code int} per /16 (256 KiB): the answer itself when the whole /16 lies in one range or in none, which is
 * the case of all but the ~125 /16s that the registries allocate from; else the node of that /16;</li>
 * <li>a node that holds {@code n} segments cuts its prefix into buckets on the next bits: {@code 2^b >= n} of them
 * (b from 1 to 16), or as many as it takes for no bucket to hold a segment start but at its first address when that is
 * at most {@value #SPREAD} per segment. A bucket is one {@code long} that, in the common cases, is the answer itself:
 * one segment holds the whole bucket, or two segments of countries do and the bucket says where the second starts.
 * Otherwise a bucket holding more than {@value #LEAF} segments is a child node, and the few segments of one that holds
 * fewer are bisected. The registries' dense blocks (tens of thousands of /64 rows in one /32, as 2a01:4f9::/32 or
 * 2a09:bac1::/32 in the default dataset) thus take two or three nodes, not a long bisection;</li>
 * <li>a /64 that holds a boundary (rows narrower than /64: 828 of them in the default dataset) has its own small
 * partition of its low 64 bits, bisected.</li>
 * </ol>
 * Answers are codes as in {@link Ipv4Index}: 0 for no country, {@code 1 + }{@link Countries} index for a country.
 */
final class Ipv6Index {
    /** Top-level values from this one on are {@code FIRST_NODE + node}, a node being {@code offset << 5 | bits}. */
    private static final int FIRST_NODE = Countries.COUNT + 1;
    private static final int MAX_BITS = 16;
    private static final int LEAF = 6;
    private static final int SPREAD = 8;
    private static final long MAX_BUCKETS = (Integer.MAX_VALUE - FIRST_NODE) >> 5;
    /** Bucket kinds, in the top two bits of a bucket; see {@link #buckets}. */
    private static final int DIRECT = 0;
    private static final int PAIR = 1;
    private static final int SEARCH = 2;
    private static final int CHILD = 3;
    /** A pair's second start, as the top bits of the offset in the bucket: exact for buckets of at most 2^42 /64s. */
    private static final int PAIR_BITS = 42;
    private static final int CODE_BITS = 10;
    private static final int CODE_MASK = (1 << CODE_BITS) - 1;

    private final int[] top;
    /**
     * Per bucket, by its top two bits: {@link #DIRECT}, one segment holds the whole bucket, its code in the low 32 bits;
     * {@link #PAIR}, two segments of country codes (bits 0-9 and 10-19), the second starting at the offset in the bucket
     * whose top {@value #PAIR_BITS} bits are bits 20-61; {@link #SEARCH}, segments from the number in the low 32 bits,
     * as many more as bits 32-61 say, to bisect; {@link #CHILD}, a node in the low 32 bits ({@code offset << 5 | bits}).
     * A direct answer or a pair, the common cases, need no other memory access.
     */
    private final long[] buckets;
    /**
     * Per segment, side by side so that one cache line holds both: its start (sign bit flipped) and its code, or
     * {@code -1 - p} for a /64 holding a boundary whose partition starts at pair {@code p} of {@link #splits}.
     */
    private final long[] segments;
    /** Per /64 holding a boundary: the number {@code n} of its parts, then {@code n} pairs (low 64 bits of start, code). */
    private final long[] splits;
    private final int splitCount;

    private Ipv6Index(int[] top, long[] buckets, long[] segments, long[] splits, int splitCount) {
        this.top = top;
        this.buckets = buckets;
        this.segments = segments;
        this.splits = splits;
        this.splitCount = splitCount;
    }

    /** The code of the address given as its two halves with sign bits flipped (as in {@link Ipv6Table}). */
    int code(long high, long low) {
        long address = high ^ Long.MIN_VALUE;
        int node = top[(int) (address >>> 48)] - FIRST_NODE;
        if (node < 0) {
            return node + FIRST_NODE;
        }
        long rest = address << 16; // the bits not yet used, at the top
        long bucket;
        while (true) {
            int bits = node & 31;
            bucket = buckets[(node >>> 5) + (int) (rest >>> (64 - bits))];
            rest <<= bits;
            if ((int) (bucket >>> 62) != CHILD) {
                break;
            }
            node = (int) bucket;
        }
        int code = switch ((int) (bucket >>> 62)) {
            case DIRECT -> (int) bucket;
            case PAIR -> (int) (bucket >>> (rest >>> (64 - PAIR_BITS) >= (bucket << 2 >>> (2 + 2 * CODE_BITS)) ? CODE_BITS : 0))
                    & CODE_MASK;
            default -> {
                int from = (int) bucket;
                yield (int) segments[2 * segment(high, from, from + (int) (bucket >>> 32 & 0x3fff_ffff)) + 1];
            }
        };
        return code >= 0 ? code : splitCode(-1 - code, low);
    }

    /** The last segment from {@code from} to {@code to} whose start is at or before the key ({@code from}'s is). */
    private int segment(long key, int from, int to) {
        int low = from;
        int high = to;
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            if (segments[2 * middle] <= key) {
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return low;
    }

    private int splitCode(int header, long low) {
        int from = header + 1;
        int to = header + (int) splits[2 * header];
        while (from < to) {
            int middle = (from + to + 1) >>> 1;
            if (splits[2 * middle] <= low) {
                from = middle;
            } else {
                to = middle - 1;
            }
        }
        return (int) splits[2 * from + 1];
    }

    /** Bytes held, for the load report. */
    long bytes() {
        return 4L * top.length + 8L * buckets.length + 8L * segments.length + 8L * splits.length;
    }

    int segmentCount() {
        return segments.length / 2;
    }

    int splitCount() {
        return splitCount;
    }

    int bucketCount() {
        return buckets.length;
    }

    /** From ranges sorted by start, without overlap, sign bits flipped (as in {@link Ipv6Table}). */
    static Ipv6Index build(long[] startHigh, long[] startLow, long[] endHigh, long[] endLow, short[] countries) {
        Builder builder = new Builder(startHigh, startLow, endHigh, endLow, countries);
        builder.partition();
        long[] keys = Arrays.copyOf(builder.keys, builder.size);
        int[] codes = Arrays.copyOf(builder.codes, builder.size);
        Trie trie = new Trie(keys, codes);
        int[] top = trie.top();
        long[] segments = new long[2 * keys.length];
        for (int i = 0; i < keys.length; i++) {
            segments[2 * i] = keys[i];
            segments[2 * i + 1] = codes[i];
        }
        return new Ipv6Index(top, trie.buckets(), segments, Arrays.copyOf(builder.splitPairs, 2 * builder.splitSize),
                builder.splits);
    }

    /** Builds the top level and the bucket nodes over the segments. */
    private static final class Trie {
        private final long[] keys;
        private final int[] codes;
        private long[] buckets = new long[1024];
        private int size;

        Trie(long[] keys, int[] codes) {
            this.keys = keys;
            this.codes = codes;
        }

        int[] top() {
            int[] top = new int[1 << 16];
            int segment = 0;
            for (int slash16 = 0; slash16 < 1 << 16; slash16++) {
                long first = (long) slash16 << 48 ^ Long.MIN_VALUE;
                segment = segmentOf(first, segment);
                int last = segmentOf(first + 0xffff_ffff_ffffL, segment);
                top[slash16] = last == segment && codes[segment] >= 0 ? codes[segment] : FIRST_NODE + node(first, 16, segment, last);
            }
            return top;
        }

        long[] buckets() {
            return Arrays.copyOf(buckets, size);
        }

        /**
         * A node over the prefix of {@code used} bits starting at {@code first} (sign bit flipped), which holds segments
         * {@code from} to {@code to}: {@code 2^bits} buckets and one more for the segment of its last /64.
         */
        private int node(long first, int used, int from, int to) {
            int bits = bits(used, from, to);
            if (size + (1L << bits) > MAX_BUCKETS) {
                bits = 1; // only for absurd datasets: fewer buckets, longer bisections, the same answers
            }
            int count = 1 << bits;
            int offset = size;
            if (size + count > buckets.length) {
                buckets = Arrays.copyOf(buckets, Math.max(buckets.length * 2, size + count));
            }
            size += count;
            int shift = 64 - used - bits; // a bucket spans 2^shift /64s
            int segment = from;
            for (int bucket = 0; bucket < count; bucket++) {
                long bucketFirst = first + ((long) bucket << shift);
                segment = segmentOf(bucketFirst, segment);
                int last = segmentOf(bucketFirst + ((1L << shift) - 1), segment);
                long entry = bucket(bucketFirst, used + bits, segment, last); // may grow the array: assign after
                buckets[offset + bucket] = entry;
            }
            return offset << 5 | bits;
        }

        /** The bucket over the prefix of {@code used} bits starting at {@code first}, which holds the segments given. */
        private long bucket(long first, int used, int segment, int last) {
            int shift = 64 - used;
            if (last == segment) {
                return (long) DIRECT << 62 | codes[segment] & 0xffff_ffffL;
            }
            if (last == segment + 1 && codes[segment] >= 0 && codes[last] >= 0 && shift <= PAIR_BITS) {
                long offset = keys[last] - first; // in /64s, less than 2^shift
                long top = offset << (64 - shift) >>> (64 - PAIR_BITS);
                return (long) PAIR << 62 | top << (2 * CODE_BITS) | (long) codes[last] << CODE_BITS | codes[segment];
            }
            if (last - segment > LEAF && size + 2 <= MAX_BUCKETS) {
                return (long) CHILD << 62 | node(first, used, segment, last) & 0xffff_ffffL;
            }
            return (long) SEARCH << 62 | (long) (last - segment) << 32 | segment;
        }

        /**
         * Enough buckets that no bucket holds a segment start but at its first address, when that takes at most
         * {@value #SPREAD} buckets per segment of the node (one level, every bucket an answer); else about one bucket per
         * segment, and child nodes for the buckets that still hold many.
         */
        private int bits(int used, int from, int to) {
            int finest = 64 - used;
            for (int segment = from + 1; segment <= to && finest > 0; segment++) {
                finest = Math.min(finest, Long.numberOfTrailingZeros(keys[segment] ^ Long.MIN_VALUE));
            }
            int exact = Math.max(1, 64 - used - finest);
            if (exact <= MAX_BITS && 1L << exact <= (long) SPREAD * (to - from + 1)) {
                return exact;
            }
            return Math.clamp(32 - Integer.numberOfLeadingZeros(to - from), 1, Math.min(MAX_BITS, 64 - used));
        }

        /** The segment holding the /64 {@code key}, searching forward from {@code from} (keys come in order). */
        private int segmentOf(long key, int from) {
            int low = from;
            int high = keys.length - 1;
            if (low == high || keys[low + 1] > key) {
                return low;
            }
            while (low < high) {
                int middle = (low + high + 1) >>> 1;
                if (keys[middle] <= key) {
                    low = middle;
                } else {
                    high = middle - 1;
                }
            }
            return low;
        }
    }

    /** Sweeps the ranges once, in order, emitting the segments of the /64 space and the partitions of split /64s. */
    private static final class Builder {
        private static final long FIRST = Long.MIN_VALUE;
        private static final long LAST = Long.MAX_VALUE;

        private final long[] startHigh;
        private final long[] startLow;
        private final long[] endHigh;
        private final long[] endLow;
        private final short[] countries;
        private long[] keys = new long[1024];
        private int[] codes = new int[1024];
        private int size;
        private int splits;
        /** Pairs: per split /64 a header (its number of parts, 0), then its parts (low 64 bits of start, code). */
        private long[] splitPairs = new long[512];
        private int splitSize;

        Builder(long[] startHigh, long[] startLow, long[] endHigh, long[] endLow, short[] countries) {
            this.startHigh = startHigh;
            this.startLow = startLow;
            this.endHigh = endHigh;
            this.endLow = endLow;
            this.countries = countries;
        }

        void partition() {
            long cursor = FIRST; // the first /64 not yet in a segment
            for (int i = 0; i < countries.length; i++) {
                long firstHigh = startHigh[i];
                long lastHigh = endHigh[i];
                if (firstHigh > cursor) {
                    emit(cursor, 0);
                }
                long wholeFrom = firstHigh;
                if (startLow[i] != FIRST || lastHigh == firstHigh && endLow[i] != LAST) {
                    if (firstHigh >= cursor) { // else the previous range ended in this /64 and emitted it
                        split(firstHigh, i);
                        if (firstHigh == LAST) {
                            return;
                        }
                        cursor = firstHigh + 1;
                    }
                    if (firstHigh == LAST) {
                        return;
                    }
                    wholeFrom = firstHigh + 1;
                }
                boolean endsWhole = endLow[i] == LAST;
                if (endsWhole ? wholeFrom <= lastHigh : lastHigh != FIRST && wholeFrom <= lastHigh - 1) {
                    emit(wholeFrom, countries[i] + 1);
                    long wholeTo = endsWhole ? lastHigh : lastHigh - 1;
                    if (wholeTo == LAST) {
                        return;
                    }
                    cursor = wholeTo + 1;
                }
                if (!endsWhole && lastHigh >= cursor) {
                    split(lastHigh, i);
                    if (lastHigh == LAST) {
                        return;
                    }
                    cursor = lastHigh + 1;
                }
            }
            emit(cursor, 0);
        }

        private void emit(long key, int code) {
            if (code >= 0 && size > 0 && codes[size - 1] == code) {
                return;
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                codes = Arrays.copyOf(codes, size * 2);
            }
            keys[size] = key;
            codes[size] = code;
            size++;
        }

        /** The /64 {@code prefix} holds a boundary; ranges {@code from} on (in order) are the ones that may reach into it. */
        private void split(long prefix, int from) {
            int header = splitSize;
            emit(prefix, -1 - header);
            splitPair(0, 0); // the header, counted below
            int offset = splitSize;
            long next = FIRST;
            boolean full = false;
            for (int i = from; i < countries.length && startHigh[i] <= prefix && !full; i++) {
                if (endHigh[i] < prefix) {
                    continue;
                }
                long low = startHigh[i] < prefix ? FIRST : startLow[i];
                long high = endHigh[i] > prefix ? LAST : endLow[i];
                if (low > next) {
                    splitEmit(offset, next, 0);
                }
                splitEmit(offset, low, countries[i] + 1);
                full = high == LAST;
                next = high + 1;
            }
            if (!full) {
                splitEmit(offset, next, 0);
            }
            splits++;
            splitPairs[2 * header] = splitSize - offset;
        }

        private void splitEmit(int offset, long low, int code) {
            if (splitSize > offset && splitPairs[2 * splitSize - 1] == code) {
                return;
            }
            splitPair(low, code);
        }

        private void splitPair(long first, long second) {
            if (2 * splitSize + 2 > splitPairs.length) {
                splitPairs = Arrays.copyOf(splitPairs, splitPairs.length * 2);
            }
            splitPairs[2 * splitSize] = first;
            splitPairs[2 * splitSize + 1] = second;
            splitSize++;
        }
    }
}
