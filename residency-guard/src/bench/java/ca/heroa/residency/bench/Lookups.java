package ca.heroa.residency.bench;

import ca.heroa.residency.country.CountryRanges;
import ca.heroa.residency.country.DatasetFile;
import ca.heroa.residency.country.DatasetSource;
import com.maxmind.db.CHMCache;
import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import com.maxmind.db.NodeCache;
import com.maxmind.db.Reader;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/** Opens both sides on the same data: the CSV files in {@code heroa.bench.dataset-dir}, the mmdb file {@code heroa.bench.mmdb}. */
final class Lookups {
    private Lookups() {
    }

    static Path datasetDirectory() {
        return Path.of(required("heroa.bench.dataset-dir"));
    }

    static Path ipv6Csv() {
        return datasetDirectory().resolve("geo-whois-asn-country-ipv6.csv");
    }

    static int sampleSize() {
        return Integer.getInteger("heroa.bench.sample", 1_000_000);
    }

    static CountryRanges countryRanges() {
        Path directory = datasetDirectory();
        return CountryRanges.load(new DatasetSource("geo-whois-asn-country 2.3.2026061719", List.of(
                DatasetFile.pinned(directory.resolve("geo-whois-asn-country-ipv4.csv"),
                        "f08438247ce315e7f2aafe72b487ad103204c95d91e866e6c5306659e555496f"),
                DatasetFile.pinned(directory.resolve("geo-whois-asn-country-ipv6.csv"),
                        "f06aa7d51b1d3b38c67d2216bd7bb003744aed7b5173d86d728ca466fb57728b"))));
    }

    /**
     * The MaxMind reader as GeoIP2's DatabaseReader opens it by default (memory-mapped file, no cache). GeoIP2 itself
     * cannot read this file: its country() expects GeoIP2 field names, and ip-location-db's mmdb has only country_code.
     */
    static Reader maxmind(NodeCache cache) throws IOException {
        return new Reader(new File(required("heroa.bench.mmdb")), cache);
    }

    static Reader maxmind() throws IOException {
        return new Reader(new File(required("heroa.bench.mmdb")));
    }

    static Reader maxmindCached() throws IOException {
        return maxmind(new CHMCache());
    }

    /** The record of ip-location-db's mmdb, decoded as GeoIP2 decodes its models (a constructor per record). */
    public static final class Country {
        private final String code;

        @MaxMindDbConstructor
        public Country(@MaxMindDbParameter(name = "country_code") String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    static String maxmindCountry(Reader reader, InetAddress address) throws IOException {
        Country country = reader.get(address, Country.class);
        return country == null ? null : country.code();
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set (run.sh sets it)");
        }
        return value;
    }
}
