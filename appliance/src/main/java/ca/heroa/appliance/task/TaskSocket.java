package ca.heroa.appliance.task;

import ca.heroa.appliance.auth.Principal;
import ca.heroa.appliance.auth.RequestAuthenticator;
import ca.heroa.appliance.http.ApiException;
import ca.heroa.appliance.http.ErrorCode;
import ca.heroa.hsm.Fips;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * A task's own door to the state API: an HTTP server on a Unix socket in the task's directory, mounted into its
 * container, so the task reaches its workspace's state with no network at all. It accepts only the token delivered
 * to that task, acts as that task ({@link Principal.Task}: its own workspace, state only), and is closed when the
 * task ends. A socket file is not a network socket: only what can open the file (the task's user) can connect.
 */
final class TaskSocket implements AutoCloseable {
    private static final String BEARER = "Bearer ";
    private static final int MAX_HEADER_LENGTH = 256;
    private static final int MAX_CONNECTIONS = 8;
    private static final int MAX_CONCURRENT_REQUESTS = 4;
    private static final java.time.Duration IDLE_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final WebServer server;
    private final Path path;

    private TaskSocket(WebServer server, Path path) {
        this.server = server;
        this.path = path;
    }

    /** A new random task token, {@code heroa_tt_} and 256 bits; delivered into the task's tmpfs, held here only as a digest. */
    static byte[] newToken() {
        return ("heroa_tt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(Fips.randomBytes(32))).getBytes(StandardCharsets.US_ASCII);
    }

    static TaskSocket open(Path path, Principal.Task task, byte[] token, TaskApi api, long maxPayloadBytes) {
        byte[] expected = digest(token);
        RequestAuthenticator authenticator = request -> {
            Optional<String> header = request.headers().first(HeaderNames.AUTHORIZATION)
                    .filter(value -> value.length() <= MAX_HEADER_LENGTH && value.startsWith(BEARER));
            byte[] presented = digest(header.map(value -> value.substring(BEARER.length()).trim()).orElse("")
                    .getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(presented, expected) || header.isEmpty()) {
                throw new ApiException(ErrorCode.UNAUTHENTICATED);
            }
            return task;
        };
        // The task is hostile: it gets a handful of connections and requests, idle ones are closed quickly, and no
        // request may be larger than a state value, so it cannot exhaust the appliance's descriptors, threads or heap.
        WebServer server = WebServer.builder()
                .bindAddress(UnixDomainSocketAddress.of(path))
                .featuresDiscoverServices(false)
                .maxTcpConnections(MAX_CONNECTIONS)
                .maxConcurrentRequests(MAX_CONCURRENT_REQUESTS)
                .idleConnectionTimeout(IDLE_TIMEOUT)
                .idleConnectionPeriod(IDLE_TIMEOUT)
                .maxPayloadSize(maxPayloadBytes)
                .routing(routing -> api.routing(routing, authenticator))
                .build()
                .start();
        return new TaskSocket(server, path);
    }

    private static byte[] digest(byte[] value) {
        MessageDigest sha256 = Fips.sha256();
        return sha256.digest(value);
    }

    @Override
    public void close() {
        server.stop();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // The task directory's removal takes it with it.
        }
    }

    static void wipe(byte[] token) {
        Arrays.fill(token, (byte) 0);
    }
}
