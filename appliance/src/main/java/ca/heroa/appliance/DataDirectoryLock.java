package ca.heroa.appliance;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One serving appliance per data directory. The lock is the kernel's, so it goes with the process however the
 * process ends (SIGKILL included): whoever holds it knows that a PostgreSQL still running on the directory was
 * left by a crash, not started by a live appliance.
 */
final class DataDirectoryLock implements AutoCloseable {
    private static final String FILE = "appliance.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirectoryLock acquire(Path dataDirectory) {
        return tryAcquire(dataDirectory).orElseThrow(() -> new IllegalStateException(
                "another appliance is already serving the data directory " + dataDirectory
                        + "; stop it first, or give this one another heroa.data-dir"));
    }

    /** The lock, or empty when an appliance holds it (a command-line tool then uses that appliance's database). */
    static java.util.Optional<DataDirectoryLock> tryAcquire(Path dataDirectory) {
        Path file = dataDirectory.resolve(FILE);
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new DataDirectoryLock(channel, lock));
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock the data directory " + dataDirectory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // The lock goes with the process anyway.
        }
    }
}
