package ca.heroa.appliance.egress;

import ca.heroa.residency.address.Cidr;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client's socket connects where the gate approved (address and port), and nowhere else; loopback only. */
class ApprovedSocketFactoryTest {
    @Test
    void onlyTheApprovedAddressAndPortConnect() throws IOException {
        try (ServerSocket approvedServer = new ServerSocket(0, 1, Cidr.parseAddress("127.0.0.1"));
             ServerSocket otherServer = new ServerSocket(0, 1, Cidr.parseAddress("127.0.0.1"))) {
            String key = ApprovedSocketFactory.register(List.of(new ApprovedDestination("database", "localhost", approvedServer.getLocalPort(),
                    List.of(Cidr.parseAddress("127.0.0.1")))));
            ApprovedSocketFactory factory = new ApprovedSocketFactory(key);
            try (Socket socket = factory.createSocket()) {
                socket.connect(new InetSocketAddress(Cidr.parseAddress("127.0.0.1"), approvedServer.getLocalPort()), 2000);
                assertTrue(socket.isConnected());
            }
            assertThrows(IOException.class, () -> factory.createSocket().connect(
                    new InetSocketAddress(Cidr.parseAddress("127.0.0.1"), otherServer.getLocalPort()), 2000), "another port");
            assertThrows(IOException.class, () -> factory.createSocket().connect(
                    new InetSocketAddress(Cidr.parseAddress("127.0.0.2"), approvedServer.getLocalPort()), 2000), "another address");
            assertThrows(IOException.class, () -> factory.createSocket().connect(
                    InetSocketAddress.createUnresolved("localhost", approvedServer.getLocalPort()), 2000), "a name left for later resolution");
            assertThrows(IOException.class, () -> factory.createSocket(Cidr.parseAddress("127.0.0.1"), otherServer.getLocalPort()));
        }
        assertThrows(IllegalArgumentException.class, () -> new ApprovedSocketFactory("never-registered"));
    }
}
