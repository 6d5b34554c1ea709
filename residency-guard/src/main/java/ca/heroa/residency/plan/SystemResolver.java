package ca.heroa.residency.plan;

import ca.heroa.residency.plan.Destination.HostName;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * The host's resolver (the JDK's, which reads /etc/hosts and the system's DNS servers). The JDK gives no deadline on a
 * lookup, so each runs on a virtual thread that is abandoned after {@code timeout}: the name then counts as unresolved.
 */
public final class SystemResolver implements Resolver {
    private static final System.Logger LOG = System.getLogger(SystemResolver.class.getName());

    private final Duration timeout;

    public SystemResolver(Duration timeout) {
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    @Override
    public List<InetAddress> resolve(HostName name) {
        FutureTask<InetAddress[]> lookup = new FutureTask<>(() -> InetAddress.getAllByName(name.name()));
        Thread.ofVirtual().name("resolve").start(lookup);
        try {
            InetAddress[] addresses = await(lookup);
            if (addresses.length > MAX_ADDRESSES) {
                LOG.log(System.Logger.Level.WARNING, "{0} resolved to {1} addresses, more than the {2} a plan accepts; refused",
                        name.name(), addresses.length, MAX_ADDRESSES);
                return List.of();
            }
            // Only the address bytes matter from here on: drop the host name the JDK attaches to each address.
            List<InetAddress> plain = new ArrayList<>();
            for (InetAddress address : new LinkedHashSet<>(Arrays.asList(addresses))) {
                plain.add(InetAddress.getByAddress(address.getAddress()));
            }
            return List.copyOf(plain);
        } catch (UnknownHostException unknown) {
            return List.of();
        }
    }

    private InetAddress[] await(Future<InetAddress[]> lookup) throws UnknownHostException {
        try {
            return lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            lookup.cancel(true);
            throw new UnknownHostException("timed out");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new UnknownHostException("interrupted");
        } catch (ExecutionException failed) {
            if (failed.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            throw new UnknownHostException("lookup failed");
        }
    }
}
