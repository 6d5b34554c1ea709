package ca.heroa.residency.bench;

import ca.heroa.residency.country.CountryRanges;
import com.maxmind.db.Reader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/**
 * Country lookups per second over the same sample of addresses: CountryRanges.country on the CSV form against the
 * MaxMind DB reader on the mmdb form of the same dataset. One invocation looks up the whole sample once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CountryLookupBench {
    static final int SAMPLE = 1_000_000;

    private InetAddress[] sample;
    private CountryRanges ranges;
    private Reader maxmind;
    private Reader maxmindCached;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (Lookups.sampleSize() != SAMPLE) {
            throw new IllegalStateException("the benchmark counts " + SAMPLE + " lookups per invocation");
        }
        sample = Sample.addresses(SAMPLE, Lookups.ipv6Csv());
        ranges = Lookups.countryRanges();
        maxmind = Lookups.maxmind();
        maxmindCached = Lookups.maxmindCached();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        maxmind.close();
        maxmindCached.close();
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLE)
    public void heroa(Blackhole blackhole) {
        for (InetAddress address : sample) {
            blackhole.consume(ranges.country(address));
        }
    }

    /** GeoIP2's default: no cache, every lookup decodes its record. */
    @Benchmark
    @OperationsPerInvocation(SAMPLE)
    public void maxmind(Blackhole blackhole) throws IOException {
        for (InetAddress address : sample) {
            blackhole.consume(maxmind.get(address, Lookups.Country.class));
        }
    }

    /** For information: with the CHMCache that GeoIP2's documentation suggests, so repeated records are not decoded again. */
    @Benchmark
    @OperationsPerInvocation(SAMPLE)
    public void maxmindCached(Blackhole blackhole) throws IOException {
        for (InetAddress address : sample) {
            blackhole.consume(maxmindCached.get(address, Lookups.Country.class));
        }
    }

    /** For information: the floor both sides share, reading the 1,000,000 addresses' bytes (InetAddress.getAddress). */
    @Benchmark
    @OperationsPerInvocation(SAMPLE)
    public void addressBytesOnly(Blackhole blackhole) {
        for (InetAddress address : sample) {
            blackhole.consume(address.getAddress());
        }
    }
}
