package ca.heroa.appliance.egress;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * Sockets that connect only to addresses the {@link OutboundGate} approved, for clients that open their own
 * connections: the PostgreSQL driver resolves its server's name again for every new pooled connection, so a later DNS
 * answer elsewhere would otherwise be used without any check. The driver builds this factory by class name with a
 * string argument ({@code socketFactory}, {@code socketFactoryArg}): the argument names a set of approvals registered
 * here by {@link #register}. A connection to any other address fails with an {@link IOException}.
 */
public final class ApprovedSocketFactory extends SocketFactory {
    private static final Map<String, Set<InetSocketAddress>> APPROVALS = new ConcurrentHashMap<>();
    private static final AtomicLong KEYS = new AtomicLong();

    private final Set<InetSocketAddress> approved;

    /** Called by the driver with the key {@link #register} returned. */
    public ApprovedSocketFactory(String key) {
        Set<InetSocketAddress> registered = APPROVALS.get(requireNonNull(key, "key is null"));
        if (registered == null) {
            throw new IllegalArgumentException("no approved destinations are registered under this key");
        }
        this.approved = registered;
    }

    /** Registers {@code destinations}; the key goes into the driver's {@code socketFactoryArg}. */
    public static String register(List<ApprovedDestination> destinations) {
        Set<InetSocketAddress> addresses = destinations.stream()
                .flatMap(destination -> destination.addresses().stream().map(address -> new InetSocketAddress(address, destination.port())))
                .collect(Collectors.toUnmodifiableSet());
        String key = "approved-" + KEYS.incrementAndGet();
        APPROVALS.put(key, addresses);
        return key;
    }

    @Override
    public Socket createSocket() {
        return new ApprovedSocket(approved);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port));
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket socket = createSocket();
        socket.connect(address);
        return socket;
    }

    /** A socket whose connect checks the resolved address and port against the approvals first. */
    private static final class ApprovedSocket extends Socket {
        private final Set<InetSocketAddress> approved;

        ApprovedSocket(Set<InetSocketAddress> approved) {
            this.approved = approved;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress address) || address.isUnresolved()
                    || !approved.contains(new InetSocketAddress(address.getAddress(), address.getPort()))) {
                close();
                throw new IOException("the outbound gate did not approve this destination (" + endpoint + "); the connection is refused");
            }
            super.connect(endpoint, timeout);
        }
    }
}
