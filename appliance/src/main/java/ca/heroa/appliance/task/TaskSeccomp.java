package ca.heroa.appliance.task;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The seccomp profile of every task: Podman's default profile without the calls that only the user namespace and
 * the dropped capabilities would otherwise stop (unshare, setns, mount, ptrace, keyctl, bpf, io_uring, ...), and
 * with clone refused any CLONE_NEW* flag. Shipped in the jar, written next to the data for Podman to read.
 */
public final class TaskSeccomp {
    static final String RESOURCE = "/ca/heroa/appliance/task/seccomp.json";

    private TaskSeccomp() {
    }

    /** Writes the profile into {@code directory} (created if needed) and returns its path. */
    public static Path install(Path directory) {
        try (InputStream in = TaskSeccomp.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the task seccomp profile is missing from the build: " + RESOURCE);
            }
            Files.createDirectories(directory);
            Path profile = directory.resolve("seccomp.json");
            Path temporary = directory.resolve("seccomp.json.new");
            Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temporary, profile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return profile.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the task seccomp profile in " + directory, e);
        }
    }
}
