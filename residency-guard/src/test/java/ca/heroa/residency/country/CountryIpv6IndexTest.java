package ca.heroa.residency.country;

import ca.heroa.residency.address.Cidr;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The IPv6 trie over /64 segments ({@link Ipv6Index}) must answer exactly as the search over the ranges. */
class CountryIpv6IndexTest {
    private static final BigInteger LAST = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    /** One range: first and last address as unsigned 128-bit numbers, and a country index. */
    private record Range(BigInteger first, BigInteger last, int country) {
    }

    private static Ipv6Table table(List<Range> ranges) {
        int size = ranges.size();
        long[] startHigh = new long[size];
        long[] startLow = new long[size];
        long[] endHigh = new long[size];
        long[] endLow = new long[size];
        short[] countries = new short[size];
        for (int i = 0; i < size; i++) {
            Range range = ranges.get(i);
            startHigh[i] = high(range.first());
            startLow[i] = low(range.first());
            endHigh[i] = high(range.last());
            endLow[i] = low(range.last());
            countries[i] = (short) range.country();
        }
        return new Ipv6Table(startHigh, startLow, endHigh, endLow, countries);
    }

    private static long high(BigInteger address) {
        return address.shiftRight(64).longValue() ^ Long.MIN_VALUE;
    }

    private static long low(BigInteger address) {
        return address.longValue() ^ Long.MIN_VALUE;
    }

    private static BigInteger number(String address) {
        return new BigInteger(1, Cidr.parseAddress(address).getAddress());
    }

    private static Range range(String first, String last, String country) {
        return new Range(number(first), number(last), Countries.index((byte) country.charAt(0), (byte) country.charAt(1)));
    }

    private static Optional<String> country(Ipv6Table table, String address) {
        return answer(table, number(address));
    }

    private static Optional<String> answer(Ipv6Table table, BigInteger address) {
        Optional<String> answer = table.country(high(address), low(address));
        assertEquals(table.searched(high(address), low(address)), answer, () -> address.toString(16) + ": trie and search differ");
        return answer;
    }

    /** Every range's first and last address and their neighbours, through both paths. */
    private static void assertSameAsSearchAround(Ipv6Table table, List<Range> ranges) {
        for (Range range : ranges) {
            for (BigInteger edge : new BigInteger[] {range.first(), range.last()}) {
                for (int offset = -1; offset <= 1; offset++) {
                    BigInteger address = edge.add(BigInteger.valueOf(offset));
                    if (address.signum() >= 0 && address.compareTo(LAST) <= 0) {
                        answer(table, address);
                    }
                }
            }
        }
    }

    @Test
    void boundariesInsideAndBetweenSlash64sAdjacentCountriesWholeSlash16sAndTheEndsOfTheSpace() {
        List<Range> ranges = List.of(
                range("::", "::ff", "AA"),                                                             // bottom, inside a /64
                range("2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "CA"),                   // a whole /32
                range("2001:db9::", "2001:db9:0:ffff:ffff:ffff:ffff:ffff", "US"),                      // a /48
                range("2001:db9:1::", "2001:db9:1:0:ffff:ffff:ffff:ffff", "FR"),                       // a /64, then
                range("2001:db9:1:1::", "2001:db9:1:1::7", "DE"),                                      // adjacent countries
                range("2001:db9:1:1::8", "2001:db9:1:1:ffff:ffff:ffff:ffff", "FR"),                    // inside one /64
                range("2001:dba:0:0:8000::", "2001:dba:0:2::7fff", "NL"),                              // unaligned, 3 /64s
                range("2c0f::", "2c0f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ZA"),                      // a whole /16
                range("2c10::", "2c10::", "EG"),                                                       // one address
                range("ffff:ffff:ffff:ffff::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "JP"),
                range("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ZZ"));
        Ipv6Table table = table(ranges);

        assertEquals(Optional.of("AA"), country(table, "::"));
        assertEquals(Optional.of("AA"), country(table, "::ff"));
        assertEquals(Optional.empty(), country(table, "::100"));
        assertEquals(Optional.empty(), country(table, "0:0:0:1::"));
        assertEquals(Optional.empty(), country(table, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.of("CA"), country(table, "2001:db8::"));
        assertEquals(Optional.of("CA"), country(table, "2001:db8:ca::1"));
        assertEquals(Optional.of("CA"), country(table, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.of("US"), country(table, "2001:db9::"));
        assertEquals(Optional.of("US"), country(table, "2001:db9:0:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.of("FR"), country(table, "2001:db9:1::"));
        assertEquals(Optional.of("FR"), country(table, "2001:db9:1:0:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.of("DE"), country(table, "2001:db9:1:1::"));
        assertEquals(Optional.of("DE"), country(table, "2001:db9:1:1::7"));
        assertEquals(Optional.of("FR"), country(table, "2001:db9:1:1::8"));
        assertEquals(Optional.of("FR"), country(table, "2001:db9:1:1:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.empty(), country(table, "2001:db9:1:2::"));
        assertEquals(Optional.empty(), country(table, "2001:dba::7fff:ffff:ffff:ffff"));
        assertEquals(Optional.of("NL"), country(table, "2001:dba::8000:0:0:0"));
        assertEquals(Optional.of("NL"), country(table, "2001:dba:0:1::"));
        assertEquals(Optional.of("NL"), country(table, "2001:dba:0:2::7fff"));
        assertEquals(Optional.empty(), country(table, "2001:dba:0:2::8000"));
        assertEquals(Optional.empty(), country(table, "2c0e:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.of("ZA"), country(table, "2c0f::"));
        assertEquals(Optional.of("ZA"), country(table, "2c0f:8000::1"));
        assertEquals(Optional.of("ZA"), country(table, "2c0f:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.of("EG"), country(table, "2c10::"));
        assertEquals(Optional.empty(), country(table, "2c10::1"));
        assertEquals(Optional.empty(), country(table, "ffff:ffff:ffff:fffe:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.of("JP"), country(table, "ffff:ffff:ffff:ffff::"));
        assertEquals(Optional.of("JP"), country(table, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
        assertEquals(Optional.of("ZZ"), country(table, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertSameAsSearchAround(table, ranges);
    }

    @Test
    void noRangesOneRangeOverEverythingAndRangesEndingOnTheLastSlash64() {
        Ipv6Table none = table(List.of());
        Ipv6Table all = table(List.of(range("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "CA")));
        Ipv6Table lastWhole = table(List.of(range("8000::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "US")));
        Ipv6Table firstSplit = table(List.of(range("::8", "::1:0:0:0:0", "FR")));

        for (String address : new String[] {"::", "2001:db8::1", "8000::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
            assertEquals(Optional.empty(), country(none, address));
            assertEquals(Optional.of("CA"), country(all, address));
        }
        assertEquals(Optional.empty(), country(lastWhole, "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.of("US"), country(lastWhole, "8000::"));
        assertEquals(Optional.of("US"), country(lastWhole, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        assertEquals(Optional.empty(), country(firstSplit, "::7"));
        assertEquals(Optional.of("FR"), country(firstSplit, "::8"));
        assertEquals(Optional.of("FR"), country(firstSplit, "::1:0:0:0:0"));
        assertEquals(Optional.empty(), country(firstSplit, "::1:0:0:0:1"));
    }

    @Test
    void denseBlocksOfSlash48AndSlash64RowsAnswerAsTheSearch() {
        // As in the default dataset's 2a01:4f9::/32 (34,000 rows, most of them a few /64s): thousands of segments in one
        // /32, some in one /48, some inside a /64, so that the trie needs several levels of nodes.
        SplittableRandom random = new SplittableRandom(64);
        List<Range> ranges = new ArrayList<>();
        BigInteger next = number("2a01:4f9::");
        for (int i = 0; i < 20_000; i++) {
            int scale = random.nextInt(10);
            BigInteger size = switch (scale) {
                case 0 -> BigInteger.ONE.shiftLeft(80 + random.nextInt(8));            // /48 to /41
                case 1 -> BigInteger.valueOf(1 + random.nextInt(1000));                 // inside a /64
                default -> BigInteger.valueOf(1 + random.nextInt(16)).shiftLeft(64);     // a few /64s
            };
            if (random.nextInt(5) == 0) {
                next = next.add(size); // a gap
                continue;
            }
            ranges.add(new Range(next, next.add(size).subtract(BigInteger.ONE), random.nextInt(3)));
            next = next.add(size);
        }
        Ipv6Table table = table(ranges);

        assertSameAsSearchAround(table, ranges);
        BigInteger span = next.subtract(number("2a01:4f9::"));
        for (int i = 0; i < 100_000; i++) {
            answer(table, number("2a01:4f9::").add(new BigInteger(span.bitLength(), new java.util.Random(random.nextLong())).mod(span)));
        }
    }

    @Test
    void randomRangesAtEveryScaleAnswerAsTheSearch() {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int round = 0; round < 20; round++) {
            TreeSet<BigInteger> cuts = new TreeSet<>();
            BigInteger hot = new BigInteger(128, new java.util.Random(random.nextLong()));
            for (int i = 0; i < 400; i++) {
                BigInteger cut = switch (random.nextInt(6)) {
                    case 0 -> new BigInteger(16, new java.util.Random(random.nextLong())).shiftLeft(112);
                    case 1 -> hot.add(new BigInteger(96, new java.util.Random(random.nextLong()))).shiftRight(96).shiftLeft(96);
                    case 2 -> hot.add(new BigInteger(80, new java.util.Random(random.nextLong()))).shiftRight(80).shiftLeft(80);
                    case 3 -> hot.add(new BigInteger(72, new java.util.Random(random.nextLong()))).shiftRight(64).shiftLeft(64);
                    case 4 -> hot.add(new BigInteger(70, new java.util.Random(random.nextLong())));
                    default -> hot.add(BigInteger.valueOf(random.nextInt(1 << 20)));
                };
                cuts.add(cut.min(LAST));
            }
            cuts.add(BigInteger.ZERO);
            BigInteger[] points = cuts.toArray(new BigInteger[0]);
            List<Range> ranges = new ArrayList<>();
            for (int i = 0; i < points.length; i++) {
                BigInteger last = i + 1 < points.length ? points[i + 1].subtract(BigInteger.ONE) : LAST;
                if (random.nextInt(4) > 0) {
                    ranges.add(new Range(points[i], last, random.nextInt(5)));
                }
            }
            Ipv6Table table = table(ranges);
            assertSameAsSearchAround(table, ranges);
            for (int i = 0; i < 5_000; i++) {
                long high = random.nextLong();
                long low = random.nextLong();
                assertEquals(table.searched(high, low), table.country(high, low));
                BigInteger near = hot.add(BigInteger.valueOf(random.nextLong()).shiftLeft(random.nextInt(40))).and(LAST);
                answer(table, near);
            }
        }
    }
}
