package ca.heroa.residency.country;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A direct two-level table over IPv4 ranges, so that most lookups read two small arrays instead of searching.
 *
 * <p>The first level has one {@code char} per /16 (128 KiB, small enough to stay in the L2 cache): the answer itself
 * when the whole /16 lies in one range or in none, else the number of a 256-byte second-level block with one byte per
 * /24 of that /16. A block byte is the answer for a /24 that lies wholly in one range or in none (0 for no country,
 * else an entry of a palette of at most 254 countries), or {@link #SPLIT} for a /24 that holds a range boundary, which
 * the caller then finds by searching the ranges. Identical blocks are stored once.
 *
 * <p>Answers are <em>codes</em>: 0 for no country, {@code 1 + }{@link Countries} index for a country, -1 for "search".
 */
final class Ipv4Index {
    static final int NOT_HERE = -1;
    /** First-level value of a /16 that is looked up by search: only when there are more split /16s than block numbers. */
    private static final int FALLBACK = Countries.COUNT + 1;
    private static final int FIRST_BLOCK = FALLBACK + 1;
    private static final int MAX_BLOCKS = Character.MAX_VALUE + 1 - FIRST_BLOCK;
    private static final int SPLIT = 255;
    private static final int MAX_PALETTE = SPLIT - 1;

    private final char[] top;
    private final byte[] blocks;
    /** Block byte to code; {@link #SPLIT} to {@link #NOT_HERE}. */
    private final int[] palette;

    private Ipv4Index(char[] top, byte[] blocks, int[] palette) {
        this.top = top;
        this.blocks = blocks;
        this.palette = palette;
    }

    /** The code of the address (sign bit flipped, as in {@link Ipv4Table}), or {@link #NOT_HERE}. */
    int code(int key) {
        int address = key ^ Integer.MIN_VALUE;
        int first = top[address >>> 16];
        if (first < FIRST_BLOCK) {
            return first == FALLBACK ? NOT_HERE : first;
        }
        return palette[blocks[(first - FIRST_BLOCK) << 8 | (address >>> 8 & 0xff)] & 0xff];
    }

    /** Bytes held, for the load report. */
    long bytes() {
        return 2L * top.length + blocks.length + 4L * palette.length;
    }

    int blockCount() {
        return blocks.length >>> 8;
    }

    /** From ranges sorted by start, without overlap (sign bits flipped, as in {@link Ipv4Table}). */
    static Ipv4Index build(int[] starts, int[] ends, short[] countries) {
        Partition partition = new Partition(starts, ends, countries);
        char[] top = new char[1 << 16];
        Palette palette = new Palette();
        Map<ByteBuffer, Integer> numbers = new HashMap<>();
        byte[] blocks = new byte[0];
        int blockCount = 0;
        int segment = 0;
        for (int slash16 = 0; slash16 < 1 << 16; slash16++) {
            long first = (long) slash16 << 16;
            segment = partition.segmentOf(first, segment);
            if (partition.holdsWhole(segment, first | 0xffff)) {
                top[slash16] = (char) partition.codes[segment];
                continue;
            }
            byte[] block = new byte[256];
            int inner = segment;
            for (int slash24 = 0; slash24 < 256; slash24++) {
                long from = first | (long) slash24 << 8;
                inner = partition.segmentOf(from, inner);
                block[slash24] = partition.holdsWhole(inner, from | 0xff) ? palette.byteOf(partition.codes[inner]) : (byte) SPLIT;
            }
            Integer number = numbers.get(ByteBuffer.wrap(block));
            if (number == null) {
                if (blockCount == MAX_BLOCKS) {
                    top[slash16] = (char) FALLBACK;
                    continue;
                }
                number = blockCount++;
                numbers.put(ByteBuffer.wrap(block), number);
                if (blocks.length < blockCount << 8) {
                    blocks = Arrays.copyOf(blocks, Math.max(blockCount << 8, blocks.length * 2));
                }
                System.arraycopy(block, 0, blocks, number << 8, 256);
            }
            top[slash16] = (char) (FIRST_BLOCK + number);
        }
        return new Ipv4Index(top, Arrays.copyOf(blocks, blockCount << 8), palette.codes());
    }

    /** The whole 32-bit space as segments in order, each with its code; consecutive segments have different codes. */
    private static final class Partition {
        private final long[] starts;
        private final int[] codes;
        private int size;

        Partition(int[] rangeStarts, int[] rangeEnds, short[] countries) {
            starts = new long[2 * rangeStarts.length + 1];
            codes = new int[starts.length];
            long next = 0;
            for (int i = 0; i < rangeStarts.length; i++) {
                long start = Integer.toUnsignedLong(rangeStarts[i] ^ Integer.MIN_VALUE);
                if (start > next) {
                    add(next, 0);
                }
                add(start, countries[i] + 1);
                next = Integer.toUnsignedLong(rangeEnds[i] ^ Integer.MIN_VALUE) + 1;
            }
            if (next <= 0xffff_ffffL) {
                add(next, 0);
            }
        }

        private void add(long start, int code) {
            if (size > 0 && codes[size - 1] == code) {
                return;
            }
            starts[size] = start;
            codes[size] = code;
            size++;
        }

        /** The segment holding the address, searching forward from {@code from} (addresses come in order). */
        int segmentOf(long address, int from) {
            int segment = from;
            while (segment + 1 < size && starts[segment + 1] <= address) {
                segment++;
            }
            return segment;
        }

        /** True if the segment, which holds some address at or before {@code last}, runs at least to {@code last}. */
        boolean holdsWhole(int segment, long last) {
            return segment + 1 >= size || starts[segment + 1] > last;
        }
    }

    /** Country codes numbered 1 to {@value #MAX_PALETTE} as they are first met; later ones are searched for. */
    private static final class Palette {
        private final int[] byteOfCode = new int[Countries.COUNT + 1];
        private final int[] codes = new int[256];
        private int size = 1;

        Palette() {
            Arrays.fill(codes, NOT_HERE);
            codes[0] = 0;
        }

        byte byteOf(int code) {
            if (code == 0) {
                return 0;
            }
            if (byteOfCode[code] == 0) {
                if (size > MAX_PALETTE) {
                    return (byte) SPLIT;
                }
                byteOfCode[code] = size;
                codes[size++] = code;
            }
            return (byte) byteOfCode[code];
        }

        int[] codes() {
            return codes;
        }
    }
}
