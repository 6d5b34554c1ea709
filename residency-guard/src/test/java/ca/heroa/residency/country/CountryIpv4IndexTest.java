package ca.heroa.residency.country;

import ca.heroa.residency.address.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The direct two-level IPv4 table ({@link Ipv4Index}) must answer exactly as the search over the ranges. */
class CountryIpv4IndexTest {
    /** Ranges as {start, end, country index} with unsigned 32-bit addresses, sorted and without overlap. */
    private static Ipv4Table table(List<long[]> ranges) {
        int[] starts = new int[ranges.size()];
        int[] ends = new int[ranges.size()];
        short[] countries = new short[ranges.size()];
        for (int i = 0; i < ranges.size(); i++) {
            starts[i] = Ipv4Table.key(ranges.get(i)[0]);
            ends[i] = Ipv4Table.key(ranges.get(i)[1]);
            countries[i] = (short) ranges.get(i)[2];
        }
        return new Ipv4Table(starts, ends, countries);
    }

    private static long[] range(String start, String end, String country) {
        return new long[] {unsigned(start), unsigned(end), Countries.index((byte) country.charAt(0), (byte) country.charAt(1))};
    }

    private static long unsigned(String address) {
        return Integer.toUnsignedLong(Ipv4Table.key(Cidr.parseAddress(address).getAddress()) ^ Integer.MIN_VALUE);
    }

    private static Optional<String> country(Ipv4Table table, String address) {
        int key = Ipv4Table.key(Cidr.parseAddress(address).getAddress());
        Optional<String> answer = table.country(key);
        assertEquals(table.searched(key), answer, address + ": direct table and search differ");
        return answer;
    }

    /** Every range's first and last address and their neighbours, through both paths. */
    private static void assertSameAsSearchAround(Ipv4Table table, List<long[]> ranges) {
        for (long[] range : ranges) {
            for (long address : new long[] {range[0] - 1, range[0], range[0] + 1, range[1] - 1, range[1], range[1] + 1}) {
                if (address >= 0 && address <= 0xffff_ffffL) {
                    int key = Ipv4Table.key(address);
                    assertEquals(table.searched(key), table.country(key), () -> "address " + address);
                }
            }
        }
    }

    @Test
    void boundariesOfSlash16sAndSlash24sAlignedOrNotAdjacentCountriesAndTheEndsOfTheSpace() {
        List<long[]> ranges = List.of(
                range("0.0.0.0", "0.0.0.0", "AA"),
                range("0.0.0.2", "0.0.255.255", "AB"),
                range("10.1.0.0", "10.1.255.255", "CA"),              // one whole /16
                range("10.3.0.0", "10.3.127.255", "CA"),              // a /16 cut on a /24 boundary
                range("10.3.128.0", "10.3.255.255", "US"),
                range("10.4.5.7", "10.4.5.200", "FR"),                // inside one /24
                range("10.5.255.250", "10.6.0.5", "DE"),              // across a /16 boundary, aligned to nothing
                range("10.7.0.0", "10.7.0.99", "CA"),                 // adjacent countries inside one /24
                range("10.7.0.100", "10.7.0.199", "US"),
                range("20.0.0.0", "29.255.255.255", "US"),            // many whole /16s
                range("255.255.255.0", "255.255.255.254", "FR"),
                range("255.255.255.255", "255.255.255.255", "ZZ"));
        Ipv4Table table = table(ranges);

        assertEquals(Optional.of("AA"), country(table, "0.0.0.0"));
        assertEquals(Optional.empty(), country(table, "0.0.0.1"));
        assertEquals(Optional.of("AB"), country(table, "0.0.0.2"));
        assertEquals(Optional.of("AB"), country(table, "0.0.255.255"));
        assertEquals(Optional.empty(), country(table, "0.1.0.0"));
        assertEquals(Optional.empty(), country(table, "10.0.255.255"));
        assertEquals(Optional.of("CA"), country(table, "10.1.0.0"));
        assertEquals(Optional.of("CA"), country(table, "10.1.255.255"));
        assertEquals(Optional.empty(), country(table, "10.2.0.0"));
        assertEquals(Optional.of("CA"), country(table, "10.3.127.255"));
        assertEquals(Optional.of("US"), country(table, "10.3.128.0"));
        assertEquals(Optional.empty(), country(table, "10.4.5.6"));
        assertEquals(Optional.of("FR"), country(table, "10.4.5.7"));
        assertEquals(Optional.of("FR"), country(table, "10.4.5.200"));
        assertEquals(Optional.empty(), country(table, "10.4.5.201"));
        assertEquals(Optional.empty(), country(table, "10.4.4.255"));
        assertEquals(Optional.empty(), country(table, "10.4.6.0"));
        assertEquals(Optional.empty(), country(table, "10.5.255.249"));
        assertEquals(Optional.of("DE"), country(table, "10.5.255.250"));
        assertEquals(Optional.of("DE"), country(table, "10.6.0.0"));
        assertEquals(Optional.of("DE"), country(table, "10.6.0.5"));
        assertEquals(Optional.empty(), country(table, "10.6.0.6"));
        assertEquals(Optional.of("CA"), country(table, "10.7.0.99"));
        assertEquals(Optional.of("US"), country(table, "10.7.0.100"));
        assertEquals(Optional.of("US"), country(table, "10.7.0.199"));
        assertEquals(Optional.empty(), country(table, "10.7.0.200"));
        assertEquals(Optional.empty(), country(table, "19.255.255.255"));
        assertEquals(Optional.of("US"), country(table, "20.0.0.0"));
        assertEquals(Optional.of("US"), country(table, "25.128.0.1"));
        assertEquals(Optional.of("US"), country(table, "29.255.255.255"));
        assertEquals(Optional.empty(), country(table, "30.0.0.0"));
        assertEquals(Optional.empty(), country(table, "255.255.254.255"));
        assertEquals(Optional.of("FR"), country(table, "255.255.255.0"));
        assertEquals(Optional.of("FR"), country(table, "255.255.255.254"));
        assertEquals(Optional.of("ZZ"), country(table, "255.255.255.255"));
        assertSameAsSearchAround(table, ranges);
        // Identical blocks are stored once: 10.5/16 and 255.255/16 (a split last /24), 10.6/16 and 10.7/16 (a split first /24).
        assertEquals(5, table.index().blockCount(), "0.0/16, 10.3/16, 10.4/16, 10.5/16 and 10.6/16");
    }

    @Test
    void lookupsThroughInetAddressAnswerAsTheSearchOnTheAddressBytes(@TempDir Path directory) throws Exception {
        // CountryRanges reads IPv4 addresses through Inet4Address.hashCode() once it has checked that this JDK's is the
        // address: the answers must be those of the bytes, for addresses of every byte and sign pattern.
        Path csv = Files.writeString(directory.resolve("ranges.csv"), String.join("\n", "0.0.0.0,0.0.0.255,AA",
                "10.0.0.0,10.255.255.255,CA", "127.255.255.0,128.0.0.255,MM", "198.51.100.7,198.51.100.200,US",
                "255.255.255.0,255.255.255.255,ZZ") + "\n");
        CountryRanges ranges = CountryRanges.load(new DatasetSource("test", List.of(DatasetFile.unpinned(csv))));
        Ipv4Table table = DatasetLoader.load(new DatasetSource("test", List.of(DatasetFile.unpinned(csv)))).ipv4();
        SplittableRandom random = new SplittableRandom(44);
        for (int i = 0; i < 100_000; i++) {
            int value = i < 4 ? new int[] {0, -1, 0x7fff_ffff, 0x8000_0000}[i] : random.nextInt();
            byte[] bytes = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
            assertEquals(table.searched(Ipv4Table.key(bytes)), ranges.country(InetAddress.getByAddress(bytes)));
        }
        assertEquals(Optional.of("MM"), ranges.country(InetAddress.getByName("::ffff:128.0.0.1")), "IPv4-mapped text");
    }

    @Test
    void noRangesAndOneRangeOverEverything() {
        Ipv4Table none = table(List.of());
        Ipv4Table all = table(List.<long[]>of(range("0.0.0.0", "255.255.255.255", "CA")));

        for (String address : new String[] {"0.0.0.0", "10.4.5.6", "128.0.0.0", "255.255.255.255"}) {
            assertEquals(Optional.empty(), country(none, address));
            assertEquals(Optional.of("CA"), country(all, address));
        }
        assertEquals(0, all.index().blockCount());
    }

    @Test
    void randomRangesAtEveryScaleAnswerAsTheSearch() {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int round = 0; round < 20; round++) {
            // Cut points clustered at /8, /16, /24 and address granularity, some runs left as gaps.
            TreeSet<Long> cuts = new TreeSet<>();
            long base = random.nextLong(1L << 32);
            for (int i = 0; i < 400; i++) {
                int scale = random.nextInt(4);
                long cut = switch (scale) {
                    case 0 -> random.nextLong(1L << 32) & ~0xff_ffffL;
                    case 1 -> (base + random.nextLong(1L << 24)) & 0xffff_ffffL & ~0xffffL;
                    case 2 -> (base + random.nextLong(1L << 20)) & 0xffff_ffffL & ~0xffL;
                    default -> (base + random.nextLong(1L << 18)) & 0xffff_ffffL;
                };
                cuts.add(cut);
            }
            cuts.add(0L);
            List<long[]> ranges = new ArrayList<>();
            Long[] points = cuts.toArray(new Long[0]);
            for (int i = 0; i < points.length; i++) {
                long end = i + 1 < points.length ? points[i + 1] - 1 : 0xffff_ffffL;
                if (random.nextInt(4) > 0) {
                    ranges.add(new long[] {points[i], end, random.nextInt(5)});
                }
            }
            Ipv4Table table = table(ranges);
            assertSameAsSearchAround(table, ranges);
            for (int i = 0; i < 20_000; i++) {
                int key = random.nextInt();
                assertEquals(table.searched(key), table.country(key));
            }
        }
    }

    @Test
    void moreSplitSlash16sThanBlockNumbersAndMoreCountriesThanThePaletteAreSearched() {
        // Every /16 cut at a different /24 with a different country pair: 65,536 distinct blocks (over the 64,858 that a
        // char can number) and all 676 countries (over the 254 of the block palette).
        List<long[]> ranges = new ArrayList<>();
        for (long slash16 = 0; slash16 < 1 << 16; slash16++) {
            long first = slash16 << 16;
            long cut = first + ((1 + slash16 % 255) << 8);
            ranges.add(new long[] {first, cut - 1, slash16 % Countries.COUNT});
            ranges.add(new long[] {cut, first + 0xffff, (slash16 / 255) % Countries.COUNT});
        }
        Ipv4Table table = table(ranges);

        assertTrue(table.index().blockCount() < 1 << 16, "block numbers ran out: the last /16s are searched");
        assertSameAsSearchAround(table, ranges);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            int key = random.nextInt();
            assertEquals(table.searched(key), table.country(key));
        }
    }
}
