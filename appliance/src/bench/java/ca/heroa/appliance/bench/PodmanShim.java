package ca.heroa.appliance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * For the "what if" variant of the tasks benchmark only: a pass-through proxy between the appliance and the Podman
 * service's Unix socket that gives every container the appliance creates an explicit user-namespace size, as the
 * CLI's {@code --userns=auto:size=N} does. It rewrites one thing: in the body of {@code POST .../containers/create}
 * that asks for an automatic user namespace without a size, it adds the size as the CLI sends it
 * ({@code "idmappings":{"AutoUserNsOpts":{"Size":N}}}, which the service uses, and {@code "userns":{"value":"size=N"}}).
 * Every other byte of every request and answer passes unchanged, in both directions.
 * <p>
 * Why: Podman 4.3 (Debian 12) deadlocks when containers with {@code --userns=auto} and no size are created
 * concurrently (containers/storage computes the size from the image under a lock it already holds: podman issue
 * 16062, fixed in containers/storage 1.45 / Podman 4.4). With a size, that code is not reached. This proxy measures
 * what the appliance would do with that change, without changing the appliance. It costs ours one more hop per
 * Podman call, which the comparison does not subtract.
 * <p>
 * Usage: {@code PodmanShim --listen SOCKET --upstream SOCKET --userns-size N [--log-creates FILE] [--max-seconds N]
 * [--parent-pid PID]}; {@code --log-creates} appends each create body as forwarded, one JSON document per line.
 * Prints {@code SHIM rewrites=N} on stop.
 */
public final class PodmanShim {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int MAX_BODY_BYTES = 1024 * 1024 * 1024;

    private final UnixDomainSocketAddress upstream;
    private final int size;
    private final AtomicLong rewrites = new AtomicLong();
    private Path createLog;

    private PodmanShim(Path upstream, int size) {
        this.upstream = UnixDomainSocketAddress.of(upstream);
        this.size = size;
    }

    public static void main(String[] args) throws IOException {
        Options options = new Options(args);
        Path listen = Path.of(options.required("listen"));
        PodmanShim shim = new PodmanShim(Path.of(options.required("upstream")), Integer.parseInt(options.required("userns-size")));
        shim.createLog = options.optional("log-creates").map(Path::of).orElse(null);
        Files.deleteIfExists(listen);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(listen));
        Files.setPosixFilePermissions(listen, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("SHIM rewrites=" + shim.rewrites.get())));
        Lifetime.bound(Duration.ofSeconds(options.integer("max-seconds", 1800)), options.optional("parent-pid").map(Long::parseLong));
        System.out.println("SHIM listening " + listen + " -> " + options.required("upstream") + " with userns size " + shim.size);
        while (true) {
            SocketChannel client = server.accept();
            Thread.ofVirtual().name("shim-connection").start(() -> shim.serve(client));
        }
    }

    /** One client connection: its own upstream connection; answers are copied raw, requests parsed one after the other. */
    private void serve(SocketChannel client) {
        try (client; SocketChannel podman = SocketChannel.open(upstream)) {
            Thread answers = Thread.ofVirtual().name("shim-answers").start(() -> copy(podman, client));
            Reader requests = new Reader(client);
            try {
                while (forwardRequest(requests, podman)) {
                    // next request on the same connection
                }
            } finally {
                podman.shutdownOutput();
                answers.join(Duration.ofMinutes(10));
            }
        } catch (IOException | InterruptedException e) {
            // The client (a timed-out wait) or Podman closed the connection: nothing to keep.
        }
    }

    /** Forwards one request; false at the end of the client's stream. */
    private boolean forwardRequest(Reader in, SocketChannel out) throws IOException {
        String head = in.head();
        if (head == null) {
            return false;
        }
        List<String> lines = new ArrayList<>(List.of(head.split("\r\n")));
        String requestLine = lines.getFirst();
        long length = -1;
        boolean chunked = false;
        for (String line : lines.subList(1, lines.size())) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        String[] parts = requestLine.split(" ");
        String path = parts.length > 1 ? parts[1].split("\\?")[0] : "";
        boolean create = parts[0].equals("POST") && path.endsWith("/containers/create");
        if (!create) {
            // Unchanged: head, then the body as it comes.
            write(out, (head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (chunked) {
                in.copyChunked(out);
            } else if (length > 0) {
                in.copy(out, length);
            }
            return true;
        }
        byte[] body = chunked ? in.readChunked() : in.read(Math.max(0, length));
        JsonNode spec = JSON.readTree(body);
        // What the CLI sends for --userns=auto:size=N: the size in idmappings.AutoUserNsOpts (which the service uses) and
        // in userns.value (which it shows).
        if (spec instanceof ObjectNode object && object.path("userns") instanceof ObjectNode userns
                && "auto".equals(userns.path("nsmode").asText()) && userns.path("value").asText("").isEmpty()
                && object.path("idmappings") instanceof ObjectNode idmappings && idmappings.path("AutoUserNs").asBoolean()
                && idmappings.path("AutoUserNsOpts").path("Size").asLong(0) == 0) {
            userns.put("value", "size=" + size);
            ObjectNode options = idmappings.path("AutoUserNsOpts") instanceof ObjectNode existing ? existing : idmappings.putObject("AutoUserNsOpts");
            options.put("Size", size);
            body = JSON.writeValueAsBytes(object);
            rewrites.incrementAndGet();
        }
        if (createLog != null) {
            // One line per create as forwarded, so the harness can check what Podman was asked for.
            synchronized (this) {
                Files.write(createLog, List.of(JSON.writeValueAsString(JSON.readTree(body))), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
        }
        StringBuilder rewritten = new StringBuilder(requestLine).append("\r\n");
        for (String line : lines.subList(1, lines.size())) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("content-length:") && !lower.startsWith("transfer-encoding:")) {
                rewritten.append(line).append("\r\n");
            }
        }
        rewritten.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        write(out, rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
        write(out, body);
        return true;
    }

    private static void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // either side went away
        }
    }

    private static void write(SocketChannel out, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Buffered reads of HTTP/1.1 requests from a channel. */
    private static final class Reader {
        private final SocketChannel channel;
        private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);

        Reader(SocketChannel channel) {
            this.channel = channel;
            buffer.flip();
        }

        private boolean fill() throws IOException {
            buffer.compact();
            int read = channel.read(buffer);
            buffer.flip();
            return read >= 0;
        }

        /** The request line and headers without the final blank line; null at a clean end of stream. */
        String head() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int last = 0; // the last four bytes read
            while (true) {
                if (!buffer.hasRemaining() && !fill()) {
                    if (head.size() == 0) {
                        return null;
                    }
                    throw new EOFException("request head cut short");
                }
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    head.write(b);
                    last = (last << 8) | (b & 0xff);
                    if (last == 0x0d0a0d0a) {
                        byte[] bytes = head.toByteArray();
                        return new String(bytes, 0, bytes.length - 4, StandardCharsets.ISO_8859_1);
                    }
                    if (head.size() > MAX_HEAD_BYTES) {
                        throw new IOException("request head too long");
                    }
                }
            }
        }

        byte[] read(long length) throws IOException {
            if (length > MAX_BODY_BYTES) {
                throw new IOException("body too long to rewrite");
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream((int) length);
            long left = length;
            while (left > 0) {
                if (!buffer.hasRemaining() && !fill()) {
                    throw new EOFException("body cut short");
                }
                int n = (int) Math.min(left, buffer.remaining());
                body.write(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
                buffer.position(buffer.position() + n);
                left -= n;
            }
            return body.toByteArray();
        }

        void copy(SocketChannel out, long length) throws IOException {
            long left = length;
            while (left > 0) {
                if (!buffer.hasRemaining() && !fill()) {
                    throw new EOFException("body cut short");
                }
                int n = (int) Math.min(left, buffer.remaining());
                write(out, java.util.Arrays.copyOfRange(buffer.array(), buffer.arrayOffset() + buffer.position(),
                        buffer.arrayOffset() + buffer.position() + n));
                buffer.position(buffer.position() + n);
                left -= n;
            }
        }

        private String line() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                if (!buffer.hasRemaining() && !fill()) {
                    throw new EOFException("chunk cut short");
                }
                char c = (char) buffer.get();
                if (c == '\n') {
                    return line.toString().strip();
                }
                line.append(c);
            }
        }

        byte[] readChunked() throws IOException {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                long size = Long.parseLong(line().split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) {
                        // trailers
                    }
                    return body.toByteArray();
                }
                body.writeBytes(read(size));
                line();
            }
        }

        void copyChunked(SocketChannel out) throws IOException {
            while (true) {
                String sizeLine = line();
                write(out, (sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                long size = Long.parseLong(sizeLine.split(";")[0].trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = line();
                        write(out, (trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } while (!trailer.isEmpty());
                    return;
                }
                copy(out, size);
                line();
                write(out, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
        }
    }
}
