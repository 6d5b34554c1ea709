package ca.heroa.residency.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The addresses both sides look up, the same in every JVM of a run (fixed seed): half IPv4, uniformly random over the
 * whole 32-bit space; half IPv6, of which half are uniformly random in 2000::/3 (global unicast: most are in no range)
 * and half are a random address inside a random row of the dataset's IPv6 file (in a range, as real traffic mostly is).
 */
final class Sample {
    static final long SEED = 0x4865726f61L; // "Heroa"

    private Sample() {
    }

    static InetAddress[] addresses(int size, Path ipv6Csv) throws Exception {
        List<long[]> rows = ipv6Rows(ipv6Csv);
        SplittableRandom random = new SplittableRandom(SEED);
        InetAddress[] addresses = new InetAddress[size];
        for (int i = 0; i < size; i++) {
            int kind = random.nextInt(4);
            if (kind < 2) {
                byte[] bytes = new byte[4];
                int value = random.nextInt();
                for (int b = 0; b < 4; b++) {
                    bytes[b] = (byte) (value >>> (24 - 8 * b));
                }
                addresses[i] = InetAddress.getByAddress(bytes);
            } else if (kind == 2) {
                long high = (random.nextLong() >>> 3) | 0x2000_0000_0000_0000L;
                addresses[i] = ipv6(high, random.nextLong());
            } else {
                long[] row = rows.get(random.nextInt(rows.size()));
                addresses[i] = ipv6(row[0], row[1] + (random.nextLong() & row[2]));
            }
        }
        return addresses;
    }

    /** Each row as {high of start, low of start, mask of the low bits that stay inside the row when added}. */
    private static List<long[]> ipv6Rows(Path csv) throws Exception {
        List<long[]> rows = new ArrayList<>();
        try (var lines = Files.lines(csv)) {
            lines.forEach(line -> {
                String[] fields = line.split(",");
                byte[] start = address(fields[0]);
                byte[] end = address(fields[1]);
                long startHigh = word(start, 0);
                long startLow = word(start, 8);
                long endHigh = word(end, 0);
                long endLow = word(end, 8);
                // The largest 2^k - 1 that keeps start + offset inside the row without a carry out of the low word.
                long room = endHigh == startHigh ? endLow - startLow : -1L - startLow;
                long mask = room == -1L ? -1L : Long.highestOneBit(room + 1) - 1;
                rows.add(new long[] {startHigh, startLow, mask});
            });
        }
        return rows;
    }

    private static byte[] address(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static long word(byte[] bytes, int from) {
        long value = 0;
        for (int i = from; i < from + 8; i++) {
            value = (value << 8) | (bytes[i] & 0xff);
        }
        return value;
    }

    private static InetAddress ipv6(long high, long low) throws UnknownHostException {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (high >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return InetAddress.getByAddress(bytes);
    }
}
