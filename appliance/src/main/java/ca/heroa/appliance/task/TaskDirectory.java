package ca.heroa.appliance.task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A task's files on the host: a directory on a tmpfs (memory, never disk) holding its secrets, its token, its input
 * and its state socket, mounted read-only into the container at {@code /run/heroa}. Files belong to the task's
 * remapped user and are readable by it alone; on close they are overwritten and removed.
 */
final class TaskDirectory implements AutoCloseable {
    static final String MOUNT_POINT = "/run/heroa";
    private static final Set<String> MEMORY_FILESYSTEMS = Set.of("tmpfs", "ramfs");

    private final Path path;

    private TaskDirectory(Path path) {
        this.path = path;
    }

    /** Checks that {@code root} is on a memory filesystem and creates it: secrets must never reach a disk. */
    static void prepareRoot(Path root) {
        try {
            Files.createDirectories(root);
            FileStore store = Files.getFileStore(root);
            java.nio.file.attribute.PosixFileAttributes attributes = Files.readAttributes(root,
                    java.nio.file.attribute.PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            // The root sits in a shared place (/dev/shm): it must be a real directory of this process's user, or another
            // local user who made it first could swap task directories under the appliance.
            if (!attributes.isDirectory() || !attributes.owner().getName().equals(System.getProperty("user.name"))) {
                throw new IllegalStateException("heroa.tasks.runtime-directory " + root + " must be a directory owned by "
                        + System.getProperty("user.name") + " (not a link, not another user's); remove it or choose another path");
            }
            if (!MEMORY_FILESYSTEMS.contains(store.type())) {
                throw new IllegalStateException("heroa.tasks.runtime-directory " + root + " is on a " + store.type()
                        + " filesystem; it must be on tmpfs (e.g. under /dev/shm or /run), because task secrets are delivered through it"
                        + " and must never reach a disk");
            }
            // Others may pass through (the container's remapped user must reach its own directory) but not list it.
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the task runtime directory " + root, e);
        }
    }

    static TaskDirectory create(Path root, TaskId id) {
        Path path = root.resolve(id.value());
        try {
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectory(path.resolve("secrets"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return new TaskDirectory(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the task directory " + path, e);
        }
    }

    Path path() {
        return path;
    }

    Path socket() {
        return path.resolve("state.sock");
    }

    /** The container's output file: next to the task's directory (not inside what is mounted into the container), on the same tmpfs. */
    Path logFile() {
        return path.resolveSibling(path.getFileName() + ".log");
    }

    /**
     * Where the task's {@code /etc/hosts} and {@code /etc/resolv.conf} live: beside its directory (not in what is mounted
     * at /run/heroa), on the same tmpfs, readable by everyone: they hold no secret.
     */
    Path networkFiles() {
        return path.resolveSibling(path.getFileName() + ".net");
    }

    /** Writes the task's name pins and its resolver file (no name server: the task gets no DNS). */
    void writeNetworkFiles(String hosts, String resolvConf) {
        Path directory = networkFiles();
        try {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            for (Map.Entry<String, String> file : Map.of("hosts", hosts, "resolv.conf", resolvConf).entrySet()) {
                Path written = directory.resolve(file.getKey());
                Files.writeString(written, file.getValue(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("r--r--r--"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the task's network files", e);
        }
    }

    /** Writes one file readable only by the task's user ({@code uid} as the host sees it); the caller overwrites {@code content}. */
    void write(String relative, byte[] content, int uid, int gid) {
        requireNonNull(content, "content is null");
        Path file = path.resolve(relative).normalize();
        if (!file.startsWith(path)) {
            throw new IllegalArgumentException("a task file stays inside its directory");
        }
        try {
            Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            owned(file, uid, gid, "r--------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a task file", e);
        }
    }

    /** Hands the directory (and its sub-directories and socket) to the task's user, read-only; call after every write. */
    void handOver(int uid, int gid) {
        try {
            if (Files.exists(socket(), LinkOption.NOFOLLOW_LINKS)) {
                owned(socket(), uid, gid, "rw-------");
            }
            owned(path.resolve("secrets"), uid, gid, "r-x------");
            owned(path, uid, gid, "r-x------");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hand the task directory over", e);
        }
    }

    private static void owned(Path file, int uid, int gid, String permissions) throws IOException {
        Files.setAttribute(file, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(file, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    }

    /** Overwrites every regular file with zeros, then removes the directory. Safe to call twice. */
    @Override
    public void close() {
        try {
            if (Files.isRegularFile(logFile(), LinkOption.NOFOLLOW_LINKS)) {
                zero(logFile());
            }
            Files.deleteIfExists(logFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the task's output file " + logFile(), e);
        }
        removeTree(networkFiles());
        removeTree(path);
    }

    private static void removeTree(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path file : all) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    zero(file);
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the task directory " + path, e);
        }
    }

    private static void zero(Path file) throws IOException {
        // Never through a link: whatever a task could have planted must not turn root's clean-up against another file.
        Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setPermissions(PosixFilePermissions.fromString("rw-------"));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            byte[] zeros = new byte[(int) Math.min(size, 64 * 1024)];
            Arrays.fill(zeros, (byte) 0);
            for (long written = 0; written < size; ) {
                written += channel.write(java.nio.ByteBuffer.wrap(zeros, 0, (int) Math.min(zeros.length, size - written)), written);
            }
        }
    }

    /** Removes directories a crash left in {@code root} (the reconciler's job). */
    static void removeLeftovers(Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (TaskId.parse(name).isPresent()) {
                    new TaskDirectory(entry).close();
                } else if (name.endsWith(".net") && TaskId.parse(name.substring(0, name.length() - 4)).isPresent()) {
                    new TaskDirectory(root.resolve(name.substring(0, name.length() - 4))).close();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean the task runtime directory " + root, e);
        }
    }
}
