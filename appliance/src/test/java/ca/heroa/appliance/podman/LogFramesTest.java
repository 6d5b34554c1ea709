package ca.heroa.appliance.podman;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogFramesTest {
    private static void frame(ByteArrayOutputStream out, int stream, String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(new byte[] {(byte) stream, 0, 0, 0, (byte) (payload.length >>> 24), (byte) (payload.length >>> 16),
                (byte) (payload.length >>> 8), (byte) payload.length});
        out.writeBytes(payload);
    }

    @Test
    void splitsStreamsInOrder() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, 1, "one ");
        frame(out, 2, "err ");
        frame(out, 3, "podman says");
        frame(out, 1, "two");
        ContainerLogs logs = LogFrames.read(new ByteArrayInputStream(out.toByteArray()), 100);
        assertArrayEquals("one two".getBytes(StandardCharsets.UTF_8), logs.stdout());
        assertArrayEquals("err ".getBytes(StandardCharsets.UTF_8), logs.stderr());
        assertFalse(logs.stdoutTruncated());
        assertFalse(logs.stderrTruncated());
    }

    @Test
    void exactlyTheCapIsNotTruncatedOneMoreIs() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, 1, "12345");
        frame(out, 2, "123456");
        ContainerLogs logs = LogFrames.read(new ByteArrayInputStream(out.toByteArray()), 5);
        assertEquals("12345", new String(logs.stdout(), StandardCharsets.UTF_8));
        assertFalse(logs.stdoutTruncated());
        assertEquals("12345", new String(logs.stderr(), StandardCharsets.UTF_8));
        assertTrue(logs.stderrTruncated());
    }

    @Test
    void stopsReadingOnceBothStreamsAreOverTheCap() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, 1, "aaaa");
        frame(out, 2, "bbbb");
        byte[] prefix = out.toByteArray();
        // After the two frames comes an endless stream: reading it would never end.
        InputStream endless = new InputStream() {
            private int position;

            @Override
            public int read() {
                return position < prefix.length ? prefix[position++] & 0xff : 1;
            }
        };
        ContainerLogs logs = LogFrames.read(endless, 2);
        assertTrue(logs.stdoutTruncated() && logs.stderrTruncated());
        assertEquals("aa", new String(logs.stdout(), StandardCharsets.UTF_8));
    }

    @Test
    void aStreamCutInsideAFrameIsAnError() {
        byte[] cut = {1, 0, 0, 0, 0, 0, 0, 10, 'a'};
        assertThrows(IOException.class, () -> LogFrames.read(new ByteArrayInputStream(cut), 100));
    }
}
