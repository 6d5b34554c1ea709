package ca.heroa.appliance.podman;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits Podman's multiplexed log stream (no TTY): frames of an 8-byte header (stream 1 = stdout, 2 = stderr, three
 * zero bytes, a big-endian 32-bit length) and that many bytes. Each stream keeps at most a cap; the rest is skipped
 * without being held, and reading stops as soon as both streams went over.
 */
final class LogFrames {
    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    private LogFrames() {
    }

    static ContainerLogs read(InputStream in, int maxBytesPerStream) throws IOException {
        if (maxBytesPerStream < 0) {
            throw new IllegalArgumentException("maxBytesPerStream is negative");
        }
        Capped stdout = new Capped(maxBytesPerStream);
        Capped stderr = new Capped(maxBytesPerStream);
        byte[] header = new byte[8];
        while (!(stdout.truncated && stderr.truncated)) {
            int read = in.readNBytes(header, 0, header.length);
            if (read == 0) {
                break;
            }
            if (read < header.length) {
                throw new IOException("log stream ended inside a frame header");
            }
            long length = ((header[4] & 0xffL) << 24) | ((header[5] & 0xffL) << 16) | ((header[6] & 0xffL) << 8) | (header[7] & 0xffL);
            Capped target = switch (header[0]) {
                case STDOUT -> stdout;
                case STDERR -> stderr;
                // Stream 0 (stdin) or 3 (system messages) is not the container's output; skip it.
                default -> null;
            };
            if (target == null) {
                skipFully(in, length);
            } else {
                target.take(in, length);
            }
        }
        return new ContainerLogs(stdout.bytes.toByteArray(), stdout.truncated, stderr.bytes.toByteArray(), stderr.truncated);
    }

    private static void skipFully(InputStream in, long length) throws IOException {
        long remaining = length;
        while (remaining > 0) {
            long skipped = in.skip(remaining);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("log stream ended inside a frame");
                }
                skipped = 1;
            }
            remaining -= skipped;
        }
    }

    private static final class Capped {
        private final int cap;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private boolean truncated;

        Capped(int cap) {
            this.cap = cap;
        }

        void take(InputStream in, long length) throws IOException {
            int room = cap - bytes.size();
            int keep = (int) Math.min(room, length);
            byte[] kept = in.readNBytes(keep);
            if (kept.length < keep) {
                throw new IOException("log stream ended inside a frame");
            }
            bytes.write(kept);
            if (length > keep) {
                truncated = true;
                skipFully(in, length - keep);
            }
        }
    }
}
