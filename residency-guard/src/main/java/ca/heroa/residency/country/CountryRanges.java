package ca.heroa.residency.country;

import ca.heroa.residency.address.Cidr;

import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Which country each IPv4 and IPv6 address is in, from a country-range dataset (CSV rows {@code start,end,country}).
 * An address in no range has no country, and so is never Canadian. Immutable and safe to share between threads.
 *
 * <p>Lookups read direct tables built when the dataset is loaded (for IPv4 a table per /16 and per /24, see
 * {@link Ipv4Index}; for IPv6 a trie of bucket tables over /64 prefixes, see {@link Ipv6Index}), falling back to a
 * binary search over sorted primitive arrays only for the few IPv4 /24s that hold a range boundary. They allocate
 * nothing beyond the address bytes that {@link InetAddress#getAddress()} returns (and not even those for IPv4 on the
 * JDKs that allow it). Adjacent rows of one country are merged when the dataset is loaded.
 *
 * <p>The JDK turns IPv4-mapped text ({@code ::ffff:198.51.100.7}) into an {@code Inet4Address}, which is looked up as
 * IPv4; a 16-byte address is always looked up in the IPv6 ranges, whatever its prefix.
 */
public final class CountryRanges {
    private static final System.Logger LOG = System.getLogger(CountryRanges.class.getName());
    /**
     * True if this JDK's {@code Inet4Address.hashCode()} is the address itself, as in every JDK so far (it returns the
     * {@code int} the address is held in), checked once here on addresses with every byte and sign pattern. Half the
     * lookups then skip {@link InetAddress#getAddress()}, whose copy of the bytes costs about as much as the lookup
     * itself; on a JDK where the check fails, IPv4 lookups read {@code getAddress()} as IPv6 lookups do.
     */
    private static final boolean IPV4_HASH_IS_ADDRESS = ipv4HashIsAddress();

    private final Ipv4Table ipv4;
    private final Ipv6Table ipv6;
    private final DatasetInfo dataset;

    private CountryRanges(Ipv4Table ipv4, Ipv6Table ipv6, DatasetInfo dataset) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.dataset = dataset;
    }

    /**
     * Reads, verifies (pinned SHA-256, compared in constant time before any row is used) and parses every file of the
     * source. Throws {@link DatasetException} naming the file and line of the first problem: a malformed address, a
     * start after its end, a start and end of different families, a country that is not two upper-case letters, a
     * file over 256 MiB or a line over 200 characters.
     *
     * <p>Overlapping rows are not refused: the pinned npm release of the default dataset has thousands (6,825 IPv4
     * and 703 IPv6 rows overlap an earlier one, most of them a narrow GeoFeed row left inside the wider Whois row it
     * should have cut). Where rows overlap, the later row wins, rows taken in order of their start address and, for one
     * start, in the order of files and lines: exactly what the dataset's mmdb form answers, and the publisher's
     * precedence (GeoFeed over Whois) in the common case. The count is logged as a warning.
     */
    public static CountryRanges load(DatasetSource source) {
        requireNonNull(source, "source is null");
        long started = System.nanoTime();
        DatasetLoader.Loaded loaded = DatasetLoader.load(source);
        DatasetInfo info = loaded.info();
        long millis = (System.nanoTime() - started) / 1_000_000;
        LOG.log(Level.INFO, () -> "country ranges " + info.version() + ": " + info.ipv4Ranges() + " IPv4 and "
                + info.ipv6Ranges() + " IPv6 ranges from " + info.files().size() + " file(s) in " + millis + " ms, "
                + (loaded.ipv4().bytes() + loaded.ipv6().bytes()) / (1024 * 1024) + " MiB of tables");
        if (loaded.overlappingRows() > 0) {
            LOG.log(Level.WARNING, () -> "country ranges " + info.version() + ": " + loaded.overlappingRows()
                    + " rows overlap an earlier row; where rows overlap, the later row (by start, then file and line) wins");
        }
        return new CountryRanges(loaded.ipv4(), loaded.ipv6(), info);
    }

    /** A dataset without ranges: no address has a country, so nothing is Canadian. */
    public static CountryRanges empty(String version) {
        requireNonNull(version, "version is null");
        return new CountryRanges(new Ipv4Table(new int[0], new int[0], new short[0]),
                new Ipv6Table(new long[0], new long[0], new long[0], new long[0], new short[0]),
                new DatasetInfo(version, List.of(), 0, 0));
    }

    /** The country code ({@code "CA"}, {@code "US"}...) of the range holding the address; empty in no range. */
    public Optional<String> country(InetAddress address) {
        requireNonNull(address, "address is null");
        if (IPV4_HASH_IS_ADDRESS && address instanceof Inet4Address) {
            return ipv4.country(address.hashCode() ^ Integer.MIN_VALUE);
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return ipv4.country(Ipv4Table.key(bytes));
        }
        if (bytes.length == 16) {
            return ipv6.country(Ipv6Table.high(bytes), Ipv6Table.low(bytes));
        }
        return Optional.empty();
    }

    /**
     * The country of every address of the block, present only when all of them lie in ranges of that one country with
     * no gap (several adjacent rows of the dataset count as one range).
     */
    public Optional<String> countryOfAll(Cidr block) {
        requireNonNull(block, "block is null");
        byte[] first = block.first().getAddress();
        byte[] last = block.last().getAddress();
        if (first.length == 4) {
            return ipv4.countryOfAll(Ipv4Table.key(first), Ipv4Table.key(last));
        }
        return ipv6.countryOfAll(Ipv6Table.high(first), Ipv6Table.low(first), Ipv6Table.high(last), Ipv6Table.low(last));
    }

    private static boolean ipv4HashIsAddress() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(4);
        int[] probes = new int[68];
        probes[0] = 0;
        probes[1] = -1;
        probes[2] = 0x0102_0304;
        probes[3] = 0x8000_0001;
        for (int i = 4; i < probes.length; i++) {
            probes[i] = random.nextInt();
        }
        try {
            for (int probe : probes) {
                byte[] bytes = {(byte) (probe >>> 24), (byte) (probe >>> 16), (byte) (probe >>> 8), (byte) probe};
                InetAddress address = InetAddress.getByAddress(bytes);
                if (!(address instanceof Inet4Address) || address.hashCode() != probe
                        || Ipv4Table.key(address.getAddress()) != (probe ^ Integer.MIN_VALUE)) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException impossible) {
            return false; // getByAddress with 4 bytes never asks a resolver
        }
    }

    /** The version, files, digests and counts of the loaded dataset, for the admin API and the attestation report. */
    public DatasetInfo dataset() {
        return dataset;
    }

    @Override
    public String toString() {
        return "CountryRanges[" + dataset.version() + ", " + dataset.ipv4Ranges() + " IPv4, " + dataset.ipv6Ranges() + " IPv6]";
    }
}
