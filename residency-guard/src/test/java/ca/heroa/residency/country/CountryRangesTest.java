package ca.heroa.residency.country;

import ca.heroa.residency.address.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountryRangesTest {
    @TempDir
    Path directory;

    static Path labDataset() throws URISyntaxException {
        return Path.of(CountryRangesTest.class.getResource("/residency/test-ranges.csv").toURI());
    }

    static InetAddress address(String text) {
        return Cidr.parseAddress(text);
    }

    private CountryRanges load(String... lines) throws IOException {
        return CountryRanges.load(new DatasetSource("test", List.of(DatasetFile.unpinned(write("ranges.csv", lines)))));
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.writeString(directory.resolve(name), String.join("\n", lines) + "\n", StandardCharsets.US_ASCII);
    }

    private DatasetException refused(String... lines) {
        return assertThrows(DatasetException.class, () -> load(lines));
    }

    @Test
    void labDatasetLabelsOneCanadianAndOneAmericanBlockPerFamily() throws Exception {
        CountryRanges ranges = CountryRanges.load(new DatasetSource("lab", List.of(DatasetFile.unpinned(labDataset()))));

        assertEquals(Optional.of("CA"), ranges.country(address("198.51.100.0")));
        assertEquals(Optional.of("CA"), ranges.country(address("198.51.100.255")));
        assertEquals(Optional.of("US"), ranges.country(address("203.0.113.7")));
        assertEquals(Optional.of("CA"), ranges.country(address("2001:db8:ca::1")));
        assertEquals(Optional.of("CA"), ranges.country(address("2001:db8:ca:ffff:ffff:ffff:ffff:ffff")));
        assertEquals(Optional.of("US"), ranges.country(address("2001:db8:99:1::5")));
        assertEquals(Optional.empty(), ranges.country(address("198.51.101.0")), "just after the CA block");
        assertEquals(Optional.empty(), ranges.country(address("198.51.99.255")), "just before the CA block");
        assertEquals(Optional.empty(), ranges.country(address("192.0.2.2")), "192.0.2.0/24 is in no lab range");
        assertEquals(Optional.empty(), ranges.country(address("2001:db8:cb::")));
        assertEquals(Optional.empty(), ranges.country(address("2001:db8:c9:ffff:ffff:ffff:ffff:ffff")));
        assertEquals(new DatasetInfo("lab", ranges.dataset().files(), 2, 2), ranges.dataset());
        assertEquals(4, ranges.dataset().files().get(0).rows(), "comment lines are not rows");
    }

    @Test
    void ipv4MappedTextIsLookedUpAsIpv4BecauseTheJdkMakesItAnInet4Address() throws Exception {
        CountryRanges ranges = CountryRanges.load(new DatasetSource("lab", List.of(DatasetFile.unpinned(labDataset()))));

        assertEquals(Optional.of("CA"), ranges.country(InetAddress.getByName("::ffff:198.51.100.7")));
    }

    @Test
    void aLookupReturnsTheSameOptionalEveryTime() throws Exception {
        CountryRanges ranges = load("198.51.100.0,198.51.100.255,CA");

        // The lookup path allocates no Optional: every answer for one country is the same instance.
        assertSame(ranges.country(address("198.51.100.1")), ranges.country(address("198.51.100.200")));
    }

    @Test
    void extremesOfBothAddressSpacesAreFound() throws Exception {
        CountryRanges ranges = load("0.0.0.0,0.0.0.0,AA", "255.255.255.255,255.255.255.255,ZZ", "::,::,AA",
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,ZZ",
                "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff,8000::,MM", "127.255.255.255,128.0.0.0,MM");

        assertEquals(Optional.of("AA"), ranges.country(address("0.0.0.0")));
        assertEquals(Optional.of("ZZ"), ranges.country(address("255.255.255.255")));
        assertEquals(Optional.of("AA"), ranges.country(address("::")));
        assertEquals(Optional.of("ZZ"), ranges.country(address("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
        assertEquals(Optional.of("MM"), ranges.country(address("8000::")), "unsigned order across the sign bit");
        assertEquals(Optional.of("MM"), ranges.country(address("128.0.0.0")), "unsigned order across the sign bit");
        assertEquals(Optional.empty(), ranges.country(address("128.0.0.1")));
        assertEquals(Optional.empty(), ranges.country(address("0.0.0.1")));
        assertEquals(Optional.empty(), ranges.country(address("::1")));
    }

    @Test
    void countryOfAllNeedsEveryAddressOfTheBlockInOneCountry() throws Exception {
        CountryRanges ranges = load(
                "198.51.100.0,198.51.100.127,CA",
                "198.51.100.128,198.51.100.255,CA",   // adjacent, same country: one range
                "203.0.113.0,203.0.113.127,CA",
                "203.0.113.128,203.0.113.255,US",
                "192.0.2.0,192.0.2.99,CA",
                "192.0.2.101,192.0.2.255,CA",         // a gap at .100
                "2001:db8:ca::,2001:db8:ca:7fff:ffff:ffff:ffff:ffff,CA",
                "2001:db8:ca:8000::,2001:db8:ca:ffff:ffff:ffff:ffff:ffff,CA",
                "2001:db8:1::,2001:db8:1::ffff,CA");

        assertEquals(Optional.of("CA"), ranges.countryOfAll(Cidr.parse("198.51.100.0/24")), "two adjacent CA rows");
        assertEquals(Optional.of("CA"), ranges.countryOfAll(Cidr.parse("198.51.100.64/26")));
        assertEquals(Optional.of("CA"), ranges.countryOfAll(Cidr.parse("198.51.100.7")));
        assertEquals(Optional.empty(), ranges.countryOfAll(Cidr.parse("198.51.100.0/23")), "half the block in no range");
        assertEquals(Optional.empty(), ranges.countryOfAll(Cidr.parse("203.0.113.0/24")), "CA and US");
        assertEquals(Optional.of("US"), ranges.countryOfAll(Cidr.parse("203.0.113.128/25")));
        assertEquals(Optional.empty(), ranges.countryOfAll(Cidr.parse("192.0.2.0/24")), "a gap of one address");
        assertEquals(Optional.of("CA"), ranges.countryOfAll(Cidr.parse("192.0.2.96/30")));
        assertEquals(Optional.of("CA"), ranges.countryOfAll(Cidr.parse("2001:db8:ca::/48")), "two adjacent CA rows");
        assertEquals(Optional.empty(), ranges.countryOfAll(Cidr.parse("2001:db8:ca::/47")));
        assertEquals(Optional.of("CA"), ranges.countryOfAll(Cidr.parse("2001:db8:1::ff00/120")));
        assertEquals(Optional.empty(), ranges.countryOfAll(Cidr.parse("2001:db8:1::/64")));
        assertEquals(Optional.empty(), ranges.countryOfAll(Cidr.parse("0.0.0.0/0")));
        assertEquals(Optional.empty(), ranges.countryOfAll(Cidr.parse("::/0")));
        assertEquals(5, ranges.dataset().ipv4Ranges(), "6 rows: the two adjacent CA rows are merged, no others");
        assertEquals(2, ranges.dataset().ipv6Ranges());
    }

    @Test
    void adjacentIpv6RowsMergeAcrossTheLow64Bits() throws Exception {
        CountryRanges ranges = load("2001:db8::,2001:db8::ffff:ffff:ffff:ffff,CA", "2001:db8:0:1::,2001:db8:0:1::ffff,CA");

        assertEquals(1, ranges.dataset().ipv6Ranges());
        assertEquals(Optional.of("CA"), ranges.countryOfAll(Cidr.parse("2001:db8::ffff:ffff:ffff:ff00/120")));
        assertEquals(Optional.of("CA"), ranges.country(address("2001:db8:0:1::ffff")));
        assertEquals(Optional.empty(), ranges.country(address("2001:db8:0:1::1:0")));
    }

    @Test
    void emptyRangesHaveNoCountryForAnyAddress() {
        CountryRanges ranges = CountryRanges.empty("none");

        assertEquals(Optional.empty(), ranges.country(address("198.51.100.1")));
        assertEquals(Optional.empty(), ranges.country(address("2001:db8:ca::1")));
        assertEquals(Optional.empty(), ranges.countryOfAll(Cidr.parse("198.51.100.1")));
        assertEquals(new DatasetInfo("none", List.of(), 0, 0), ranges.dataset());
    }

    @Test
    void ipv4AndIpv6RowsMixInOneFileAndInAnyOrder() throws Exception {
        CountryRanges ranges = load("2001:db8:99::,2001:db8:99::ff,US", "203.0.113.0,203.0.113.255,US",
                "198.51.100.0,198.51.100.255,CA", "2001:db8:ca::,2001:db8:ca::ff,CA");

        assertEquals(Optional.of("CA"), ranges.country(address("198.51.100.9")));
        assertEquals(Optional.of("US"), ranges.country(address("203.0.113.9")));
        assertEquals(Optional.of("CA"), ranges.country(address("2001:db8:ca::9")));
        assertEquals(Optional.of("US"), ranges.country(address("2001:db8:99::9")));
    }

    @Test
    void blankLinesCommentsCarriageReturnsBlanksAroundFieldsAndAByteOrderMarkAreAccepted() throws Exception {
        Path file = directory.resolve("windows.csv");
        Files.write(file, ("\ufeff# exported\r\n\r\n   \r\n198.51.100.0 , 198.51.100.255 ,\tCA\r\n# end\r\n")
                .getBytes(StandardCharsets.UTF_8));
        CountryRanges ranges = CountryRanges.load(new DatasetSource("windows", List.of(DatasetFile.unpinned(file))));

        assertEquals(Optional.of("CA"), ranges.country(address("198.51.100.9")));
        assertEquals(1, ranges.dataset().files().get(0).rows());
    }

    @Test
    void overlappingRowsResolveToTheLaterRowAsTheDatasetsMmdbDoes() throws Exception {
        // Shapes taken from the npm release: a narrow row left inside a wide one, rows of one start (narrow first, then
        // wide), and a partial overlap.
        CountryRanges ranges = load(
                "2.58.196.0,2.58.197.255,DE",
                "2.58.197.15,2.58.197.15,BE",
                "2.58.197.16,2.58.197.255,DE",
                "210.57.31.0,210.57.31.255,TW",
                "210.57.31.0,210.57.32.255,VN",
                "17.67.224.0,17.67.239.255,ES",
                "17.67.233.0,17.67.247.255,US",
                "2001:420::,2001:420:7fff:ffff:ffff:ffff:ffff:ffff,JP",
                "2001:420::,2001:420:0:ffff:ffff:ffff:ffff:ffff,NL",
                "2001:420:6000::,2001:420:c0bf:ffff:ffff:ffff:ffff:ffff,US");

        assertEquals(Optional.of("DE"), ranges.country(address("2.58.197.14")));
        assertEquals(Optional.of("BE"), ranges.country(address("2.58.197.15")));
        assertEquals(Optional.of("DE"), ranges.country(address("2.58.197.16")));
        assertEquals(Optional.of("VN"), ranges.country(address("210.57.31.0")), "same start: the later row wins");
        assertEquals(Optional.of("VN"), ranges.country(address("210.57.32.255")));
        assertEquals(Optional.of("ES"), ranges.country(address("17.67.232.255")));
        assertEquals(Optional.of("US"), ranges.country(address("17.67.233.0")), "partial overlap: the later row wins");
        assertEquals(Optional.of("US"), ranges.country(address("17.67.247.255")));
        assertEquals(Optional.of("NL"), ranges.country(address("2001:420::1")));
        assertEquals(Optional.of("JP"), ranges.country(address("2001:420:1::")));
        assertEquals(Optional.of("JP"), ranges.country(address("2001:420:5fff:ffff:ffff:ffff:ffff:ffff")));
        assertEquals(Optional.of("US"), ranges.country(address("2001:420:6000::")));
        assertEquals(Optional.of("US"), ranges.country(address("2001:420:c0bf::")));
        assertEquals(Optional.empty(), ranges.countryOfAll(Cidr.parse("2.58.197.0/24")), "DE around a BE address");
        assertEquals(Optional.of("DE"), ranges.countryOfAll(Cidr.parse("2.58.197.16/28")));
    }

    @Test
    void theLaterRowWinsAlsoAcrossFilesAndWhenAnOuterRowResumesAfterSeveralInnerOnes() throws Exception {
        Path first = write("first.csv", "10.0.0.0,10.0.0.255,AA", "10.0.0.10,10.0.0.19,BB");
        Path second = write("second.csv", "10.0.0.0,10.0.0.9,CC", "10.0.0.12,10.0.0.13,DD", "10.0.0.100,10.0.0.100,EE");
        CountryRanges ranges = CountryRanges.load(new DatasetSource("two", List.of(DatasetFile.unpinned(first),
                DatasetFile.unpinned(second))));

        assertEquals(Optional.of("CC"), ranges.country(address("10.0.0.0")), "same start: the later file wins");
        assertEquals(Optional.of("BB"), ranges.country(address("10.0.0.11")));
        assertEquals(Optional.of("DD"), ranges.country(address("10.0.0.13")));
        assertEquals(Optional.of("BB"), ranges.country(address("10.0.0.14")));
        assertEquals(Optional.of("AA"), ranges.country(address("10.0.0.20")));
        assertEquals(Optional.of("EE"), ranges.country(address("10.0.0.100")));
        assertEquals(Optional.of("AA"), ranges.country(address("10.0.0.101")));
        assertEquals(Optional.of("AA"), ranges.country(address("10.0.0.255")));
        assertEquals(Optional.empty(), ranges.country(address("10.0.1.0")));
    }

    @Test
    void malformedRowsAreRefusedWithFileNameLineNumberAndReason() {
        assertMessage(refused("# header", "198.51.100.0,198.51.100.256,CA"), "ranges.csv line 2: the end is not an IPv4 address");
        assertMessage(refused("198.51.100.01,198.51.100.255,CA"), "ranges.csv line 1: the start is not an IPv4 address");
        assertMessage(refused("198.51.100,198.51.100.255,CA"), "line 1: the start is not an IPv4 address");
        assertMessage(refused("2001:db8::g,2001:db8::ff,CA"), "line 1: the start is not an IPv6 address");
        assertMessage(refused("2001:db8::,2001:db8::1::,CA"), "line 1: the end is not an IPv6 address");
        assertMessage(refused("fe80::1%eth0,fe80::2,CA"), "line 1: the start is not an IPv6 address");
        assertMessage(refused("example.com,example.net,CA"), "line 1: the start is not an IPv4 address");
        assertMessage(refused("198.51.100.255,198.51.100.0,CA"), "line 1: the start is after the end");
        assertMessage(refused("2001:db8::2,2001:db8::1,CA"), "line 1: the start is after the end");
        assertMessage(refused("198.51.100.0,2001:db8::,CA"), "line 1: start and end are not of the same address family");
        assertMessage(refused("198.51.100.0,198.51.100.255,ca"), "line 1: the country is not two upper-case letters");
        assertMessage(refused("198.51.100.0,198.51.100.255,CAN"), "the country is not two upper-case letters");
        assertMessage(refused("198.51.100.0,198.51.100.255,C1"), "the country is not two upper-case letters");
        assertMessage(refused("198.51.100.0,198.51.100.255,"), "the country is not two upper-case letters");
        assertMessage(refused("198.51.100.0,198.51.100.255"), "line 1: not three fields start,end,country");
        assertMessage(refused("198.51.100.0,198.51.100.255,CA,extra"), "line 1: not three fields start,end,country");
    }

    @Test
    void aLongLineIsRefusedAndQuotedOnlyInPart() {
        String longLine = "198.51.100.0,198.51.100.255,CA" + " ".repeat(171);
        DatasetException tooLong = refused("# a", longLine);
        assertMessage(tooLong, "ranges.csv line 2: longer than 200 characters");

        String secret = "x".repeat(150) + "SECRET-TAIL";
        DatasetException quoted = refused(secret + "," + secret + ",CA");
        assertMessage(quoted, "longer than 200 characters");
        assertTrue(!quoted.getMessage().contains("SECRET-TAIL") && quoted.getMessage().length() < 200,
                "at most 100 characters of the line are quoted: " + quoted.getMessage());

        DatasetException malformed = refused("x".repeat(90) + "-" + "y".repeat(60) + ",1.2.3.4,CA");
        assertTrue(malformed.getMessage().contains("x".repeat(90)) && !malformed.getMessage().contains("y".repeat(11)),
                "the quote stops after 100 characters: " + malformed.getMessage());
    }

    @Test
    void controlCharactersOfARefusedLineAreNotEchoed() throws Exception {
        Path file = directory.resolve("binary.csv");
        Files.write(file, new byte[] {'1', '.', '2', 0x1b, '[', '3', '1', 'm', ',', 'x', ',', 'C', 'A', '\n'});
        DatasetException refused = assertThrows(DatasetException.class,
                () -> CountryRanges.load(new DatasetSource("binary", List.of(DatasetFile.unpinned(file)))));

        assertTrue(refused.getMessage().contains("\"1.2?[31m,x,CA\""), refused.getMessage());
    }

    @Test
    void aPinnedDigestMustMatchBeforeTheDataIsUsed() throws Exception {
        Path file = write("pinned.csv", "198.51.100.0,198.51.100.255,CA");
        String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));

        CountryRanges ranges = CountryRanges.load(new DatasetSource("pinned",
                List.of(DatasetFile.pinned(file, digest.toUpperCase(Locale.ROOT)))));
        assertEquals(List.of(new DatasetInfo.LoadedFile("pinned.csv", digest, 1)), ranges.dataset().files());
        assertEquals(Optional.of("CA"), ranges.country(address("198.51.100.1")));

        String other = "0".repeat(64);
        DatasetException refused = assertThrows(DatasetException.class,
                () -> CountryRanges.load(new DatasetSource("pinned", List.of(DatasetFile.pinned(file, other)))));
        assertMessage(refused, "pinned.csv: SHA-256 is " + digest + ", expected " + other);

        // A bad row in a file with the wrong digest reports the digest, not the row: nothing is parsed before the check.
        Path bad = write("bad.csv", "not,a,row");
        assertMessage(assertThrows(DatasetException.class, () -> CountryRanges.load(new DatasetSource("bad",
                List.of(DatasetFile.pinned(bad, other))))), "bad.csv: SHA-256 is ");
    }

    @Test
    void aFileOver256MiBIsRefusedWithoutReadingIt() throws Exception {
        Path file = directory.resolve("huge.csv");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(256L * 1024 * 1024 + 1);
        }
        DatasetException refused = assertThrows(DatasetException.class,
                () -> CountryRanges.load(new DatasetSource("huge", List.of(DatasetFile.unpinned(file)))));

        assertMessage(refused, "huge.csv: larger than 256 MiB");
    }

    @Test
    void aMissingFileIsNamed() {
        DatasetException refused = assertThrows(DatasetException.class, () -> CountryRanges.load(new DatasetSource("gone",
                List.of(DatasetFile.unpinned(directory.resolve("gone.csv"))))));

        assertMessage(refused, "gone.csv: no such file");
    }

    @Test
    void sourcesAndFilesValidateWhatTheyAreGiven() {
        Path file = directory.resolve("a.csv");
        assertThrows(IllegalArgumentException.class, () -> DatasetFile.pinned(file, "abc"));
        assertThrows(IllegalArgumentException.class, () -> DatasetFile.pinned(file, "g".repeat(64)));
        assertThrows(IllegalArgumentException.class, () -> new DatasetSource(" ", List.of(DatasetFile.unpinned(file))));
        assertThrows(IllegalArgumentException.class, () -> new DatasetSource("v\n2", List.of(DatasetFile.unpinned(file))));
        assertThrows(IllegalArgumentException.class, () -> new DatasetSource("v", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new DatasetSource("v",
                List.of(DatasetFile.unpinned(file), DatasetFile.unpinned(directory.resolve("sub").resolve("a.csv")))));
        assertThrows(NullPointerException.class, () -> new DatasetFile(file, null));
        assertEquals(Optional.of("ab".repeat(32)), DatasetFile.pinned(file, "AB".repeat(32)).expectedSha256());
    }

    private static void assertMessage(DatasetException exception, String expected) {
        assertTrue(exception.getMessage().contains(expected),
                "expected a message containing \"" + expected + "\", got: " + exception.getMessage());
    }
}
