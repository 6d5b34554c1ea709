package ca.heroa.appliance.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchiveUploadTest {
    private static final byte[] ARCHIVE = "pretend this is a tar".repeat(1000).getBytes();

    private static byte[] sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static long files(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }

    @Test
    void keepsAMatchingArchiveReadableOnlyByTheApplianceAndDeletesItOnClose(@TempDir Path data) throws Exception {
        Path uploads = data.resolve("uploads");
        Path file;
        try (ArchiveUpload upload = ArchiveUpload.receive(new ByteArrayInputStream(ARCHIVE), uploads, ARCHIVE.length, sha256(ARCHIVE))) {
            file = upload.file();
            assertArrayEquals(ARCHIVE, Files.readAllBytes(file));
            assertEquals(ARCHIVE.length, upload.sizeBytes());
            assertEquals(HexFormat.of().formatHex(sha256(ARCHIVE)), upload.sha256());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(uploads)));
        }
        assertFalse(Files.exists(file), "the archive must be deleted on close");
    }

    @Test
    void refusesOneByteOverTheLimitAndLeavesNothing(@TempDir Path data) throws Exception {
        ArchiveUpload.RefusedException refused = assertThrows(ArchiveUpload.RefusedException.class,
                () -> ArchiveUpload.receive(new ByteArrayInputStream(ARCHIVE), data, ARCHIVE.length - 1, sha256(ARCHIVE)));
        assertEquals(ArchiveUpload.Refusal.TOO_LARGE, refused.refusal());
        assertEquals(0, files(data));
    }

    @Test
    void refusesAnArchiveWhoseDigestDiffersAndLeavesNothing(@TempDir Path data) throws Exception {
        byte[] other = sha256("something else".getBytes());
        ArchiveUpload.RefusedException refused = assertThrows(ArchiveUpload.RefusedException.class,
                () -> ArchiveUpload.receive(new ByteArrayInputStream(ARCHIVE), data, ARCHIVE.length, other));
        assertEquals(ArchiveUpload.Refusal.DIGEST_MISMATCH, refused.refusal());
        assertEquals(0, files(data));
    }

    @Test
    void readsTheSha256MemberOfContentDigest() throws Exception {
        byte[] digest = sha256(ARCHIVE);
        String encoded = Base64.getEncoder().encodeToString(digest);
        assertArrayEquals(digest, ContentDigest.sha256("sha-256=:" + encoded + ":").orElseThrow());
        assertArrayEquals(digest, ContentDigest.sha256("sha-512=:AAAA:, SHA-256=:" + encoded + ":").orElseThrow());
        assertTrue(ContentDigest.sha256("sha-256=" + encoded).isEmpty(), "without colons it is not an RFC 9530 byte sequence");
        assertTrue(ContentDigest.sha256("sha-256=:AAAA:").isEmpty(), "too short for SHA-256");
        assertTrue(ContentDigest.sha256("sha-512=:" + encoded + ":").isEmpty());
        assertTrue(ContentDigest.sha256(null).isEmpty());
    }
}
