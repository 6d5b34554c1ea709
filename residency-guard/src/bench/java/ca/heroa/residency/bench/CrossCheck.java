package ca.heroa.residency.bench;

import ca.heroa.residency.country.CountryRanges;
import com.maxmind.db.Reader;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Both sides must agree on the country of every address of the sample. Prints one line per measure, "CHECK key=value",
 * and the first disagreements. Also prints the time to load the CSV dataset (first load in a fresh JVM, then warm).
 */
public final class CrossCheck {
    private CrossCheck() {
    }

    public static void main(String[] arguments) throws Exception {
        long started = System.nanoTime();
        CountryRanges ranges = Lookups.countryRanges();
        long coldMillis = (System.nanoTime() - started) / 1_000_000;
        long warmMillis = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long again = System.nanoTime();
            ranges = Lookups.countryRanges();
            warmMillis = Math.min(warmMillis, (System.nanoTime() - again) / 1_000_000);
        }
        System.out.printf("CHECK load cold_ms=%d warm_ms=%d ipv4_ranges=%d ipv6_ranges=%d%n", coldMillis, warmMillis,
                ranges.dataset().ipv4Ranges(), ranges.dataset().ipv6Ranges());

        InetAddress[] sample = Sample.addresses(Lookups.sampleSize(), Lookups.ipv6Csv());
        long ipv4 = 0;
        long found = 0;
        long canadian = 0;
        long disagreements = 0;
        try (Reader reader = Lookups.maxmind()) {
            for (InetAddress address : sample) {
                Optional<String> ours = ranges.country(address);
                String theirs = Lookups.maxmindCountry(reader, address);
                ipv4 += address instanceof Inet4Address ? 1 : 0;
                found += ours.isPresent() ? 1 : 0;
                canadian += ours.filter("CA"::equals).isPresent() ? 1 : 0;
                if (!Objects.equals(ours.orElse(null), theirs)) {
                    if (disagreements < 10) {
                        System.out.printf("CHECK differs address=%s heroa=%s maxmind=%s%n", address.getHostAddress(),
                                ours.orElse("-"), theirs == null ? "-" : theirs);
                    }
                    disagreements++;
                }
            }
        }
        System.out.printf("CHECK sample size=%d ipv4=%d ipv6=%d in_a_range=%d ca=%d disagreements=%d%n", sample.length, ipv4,
                sample.length - ipv4, found, canadian, disagreements);
        boundaries(ranges);
    }

    /**
     * The hardest addresses: the first and last address of every row of both CSV files and their neighbours just
     * outside, where rows overlap (the npm files have thousands of overlapping rows) or countries change.
     */
    private static void boundaries(CountryRanges ranges) throws Exception {
        long checked = 0;
        long disagreements = 0;
        try (Reader reader = Lookups.maxmind()) {
            for (String file : new String[] {"geo-whois-asn-country-ipv4.csv", "geo-whois-asn-country-ipv6.csv"}) {
                for (String line : java.nio.file.Files.readAllLines(Lookups.datasetDirectory().resolve(file))) {
                    String[] fields = line.split(",");
                    java.math.BigInteger start = new java.math.BigInteger(1, InetAddress.getByName(fields[0]).getAddress());
                    java.math.BigInteger end = new java.math.BigInteger(1, InetAddress.getByName(fields[1]).getAddress());
                    int length = InetAddress.getByName(fields[0]).getAddress().length;
                    for (java.math.BigInteger value : new java.math.BigInteger[] {start.subtract(java.math.BigInteger.ONE),
                            start, end, end.add(java.math.BigInteger.ONE)}) {
                        if (value.signum() < 0 || value.bitLength() > length * 8) {
                            continue;
                        }
                        InetAddress address = InetAddress.getByAddress(bytes(value, length));
                        String ours = ranges.country(address).orElse(null);
                        String theirs = Lookups.maxmindCountry(reader, address);
                        checked++;
                        if (!Objects.equals(ours, theirs)) {
                            if (disagreements < 10) {
                                System.out.printf("CHECK differs address=%s heroa=%s maxmind=%s%n", address.getHostAddress(),
                                        ours == null ? "-" : ours, theirs == null ? "-" : theirs);
                            }
                            disagreements++;
                        }
                    }
                }
            }
        }
        System.out.printf("CHECK boundaries addresses=%d disagreements=%d%n", checked, disagreements);
    }

    private static byte[] bytes(java.math.BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, bytes, length - copy, copy);
        return bytes;
    }
}
