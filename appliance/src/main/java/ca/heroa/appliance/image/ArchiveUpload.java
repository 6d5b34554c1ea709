package ca.heroa.appliance.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import static java.util.Objects.requireNonNull;

/**
 * An uploaded archive on disk: streamed to a file only the appliance's user can read, hashed on the way, cut off at
 * the size limit, and checked against the digest the uploader declared. The file is deleted on {@link #close()}, and
 * at once when the upload is refused.
 */
public final class ArchiveUpload implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Why an upload was refused. */
    public enum Refusal {
        TOO_LARGE,
        DIGEST_MISMATCH
    }

    /** The upload was refused; its file is already gone. */
    public static final class RefusedException extends RuntimeException {
        private final Refusal refusal;

        RefusedException(Refusal refusal) {
            super("archive upload refused: " + refusal);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    private final Path file;
    private final long sizeBytes;
    private final String sha256;

    private ArchiveUpload(Path file, long sizeBytes, String sha256) {
        this.file = file;
        this.sizeBytes = sizeBytes;
        this.sha256 = sha256;
    }

    /**
     * Reads {@code body} into a new file in {@code directory} (created 0700 if missing).
     *
     * @throws RefusedException when it is larger than {@code maxBytes} or its SHA-256 is not {@code expectedSha256}
     */
    public static ArchiveUpload receive(InputStream body, Path directory, long maxBytes, byte[] expectedSha256) {
        requireNonNull(body, "body is null");
        requireNonNull(directory, "directory is null");
        requireNonNull(expectedSha256, "expectedSha256 is null");
        Path file = null;
        boolean kept = false;
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            file = Files.createTempFile(directory, "image-", ".tar", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            long size = 0;
            byte[] buffer = new byte[BUFFER_BYTES];
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                for (int read = body.read(buffer); read >= 0; read = body.read(buffer)) {
                    size += read;
                    if (size > maxBytes) {
                        throw new RefusedException(Refusal.TOO_LARGE);
                    }
                    sha256.update(buffer, 0, read);
                    out.write(buffer, 0, read);
                }
            }
            byte[] actual = sha256.digest();
            // Constant time: the comparison does not tell how much of a guessed digest was right.
            if (!MessageDigest.isEqual(actual, expectedSha256)) {
                throw new RefusedException(Refusal.DIGEST_MISMATCH);
            }
            kept = true;
            return new ArchiveUpload(file, size, HexFormat.of().formatHex(actual));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        } finally {
            if (!kept && file != null) {
                delete(file);
            }
        }
    }

    public Path file() {
        return file;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    /** SHA-256 of the archive, 64 lower-case hex digits. */
    public String sha256() {
        return sha256;
    }

    @Override
    public void close() {
        delete(file);
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
