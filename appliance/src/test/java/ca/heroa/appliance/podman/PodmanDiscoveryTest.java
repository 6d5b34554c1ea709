package ca.heroa.appliance.podman;

import ca.heroa.appliance.testing.TestPodman;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PodmanDiscoveryTest {
    @Test
    void failureNamesEveryAttemptAndWhatToDo(@TempDir Path directory) throws IOException {
        Path missing = directory.resolve("missing.sock");
        Path silent = directory.resolve("silent.sock");
        // Something listens but never answers: the attempt must time out, not hang.
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(silent));
            PodmanSettings settings = new PodmanSettings(Optional.empty(), "v4.0.0", Duration.ofSeconds(1), PodmanSettings.DEFAULT_USERNS_SIZE);
            PodmanUnavailableException failure = assertThrows(PodmanUnavailableException.class,
                    () -> PodmanDiscovery.connect(List.of(missing, silent), settings));
            String message = failure.getMessage();
            assertTrue(message.contains(missing + ": no such socket"), message);
            assertTrue(message.contains(silent + ": "), message);
            assertTrue(message.contains("podman system service") && message.contains("./heroa up") && message.contains("heroa.podman.socket"),
                    message);
        }
    }

    @Test
    void theConfiguredSocketComesFirst() {
        Path socket = TestPodman.socket();
        try (PodmanClient client = PodmanDiscovery.connect(PodmanSettings.defaults().withSocket(socket))) {
            assertEquals(client.version(), TestPodman.client().version());
            assertTrue(client.toString().contains(socket.toString()), client.toString());
        }
    }
}
