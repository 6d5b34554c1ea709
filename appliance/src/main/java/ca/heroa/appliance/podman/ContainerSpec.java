package ca.heroa.appliance.podman;

import ca.heroa.appliance.image.ImageDigest;

import java.util.HashSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * What a container runs and within which limits. The isolation every container gets (user namespace, no
 * capabilities, read-only root, ...) is not here: {@link PodmanClient#createContainer} always applies it.
 *
 * @param name         container name, unique in Podman
 * @param image        the image, by ID
 * @param command      the program and its arguments (the image's entry point is not used)
 * @param environment  environment variables; never secrets (Podman stores them readable in its inspect output)
 * @param labels       labels, e.g. {@code heroa.task-id}, so what a crash left behind can be found
 * @param user         {@code uid[:gid]} or a user name inside the container, e.g. {@code 1000:1000}
 * @param tmpfs        private in-memory file systems (the root file system is read-only)
 * @param binds        host paths made visible inside
 * @param memoryBytes  memory limit (swap is not allowed on top)
 * @param cpuMillis    CPU limit, 1000 being one CPU
 * @param pidsLimit    most processes and threads
 * @param shmSizeBytes size of {@code /dev/shm}
 * @param cgroupParent cgroup under which to create the container's, if not Podman's default
 * @param network      a network namespace prepared (with its firewall rules) by the caller, which the container joins;
 *                     without one, the container gets a namespace of its own with loopback only
 */
public record ContainerSpec(String name, ImageDigest image, List<String> command, Map<String, String> environment, Map<String, String> labels,
                            String user, List<TmpfsMount> tmpfs, List<BindMount> binds, long memoryBytes, long cpuMillis, long pidsLimit,
                            long shmSizeBytes, Optional<String> cgroupParent, Optional<Path> seccompProfile,
                            Optional<LogFile> log, Optional<Path> network) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");
    private static final Pattern USER = Pattern.compile("[a-z0-9_][a-z0-9_.-]{0,31}(:[a-z0-9_][a-z0-9_.-]{0,31})?");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** Podman refuses less. */
    private static final long MIN_MEMORY_BYTES = 6L * 1024 * 1024;

    public ContainerSpec {
        requireNonNull(name, "name is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a container name is 1 to 128 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        requireNonNull(image, "image is null");
        command = List.copyOf(requireNonNull(command, "command is null"));
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command is empty");
        }
        environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        environment.keySet().forEach(variable -> {
            if (!VARIABLE.matcher(variable).matches()) {
                throw new IllegalArgumentException("an environment variable name is letters, digits and '_', not starting with a digit");
            }
        });
        labels = Map.copyOf(requireNonNull(labels, "labels is null"));
        requireNonNull(user, "user is null");
        if (!USER.matcher(user).matches()) {
            throw new IllegalArgumentException("user is uid[:gid] or a user name");
        }
        tmpfs = List.copyOf(requireNonNull(tmpfs, "tmpfs is null"));
        binds = List.copyOf(requireNonNull(binds, "binds is null"));
        Set<String> destinations = new HashSet<>();
        tmpfs.forEach(mount -> requireDistinct(destinations, mount.destination()));
        binds.forEach(mount -> requireDistinct(destinations, mount.destination()));
        if (memoryBytes < MIN_MEMORY_BYTES) {
            throw new IllegalArgumentException("memoryBytes is below Podman's minimum of 6 MiB");
        }
        if (cpuMillis < 10 || cpuMillis > 1_000_000) {
            throw new IllegalArgumentException("cpuMillis is out of range (10 to 1000000)");
        }
        if (pidsLimit < 1) {
            throw new IllegalArgumentException("pidsLimit is below 1");
        }
        if (shmSizeBytes < 4096) {
            throw new IllegalArgumentException("shmSizeBytes is below 4096");
        }
        requireNonNull(cgroupParent, "cgroupParent is null");
        requireNonNull(seccompProfile, "seccompProfile is null");
        requireNonNull(log, "log is null");
        requireNonNull(network, "network is null");
        network.ifPresent(path -> requireAbsolute(path.toString(), "network"));
        seccompProfile.ifPresent(profile -> {
            if (!profile.isAbsolute()) {
                throw new IllegalArgumentException("a seccomp profile is named by an absolute host path");
            }
        });
        cgroupParent.ifPresent(parent -> requireAbsolute(parent, "cgroupParent"));
    }

    private static void requireDistinct(Set<String> destinations, String destination) {
        if (!destinations.add(destination)) {
            throw new IllegalArgumentException("two mounts at " + destination);
        }
    }

    static void requireAbsolute(String path, String what) {
        requireNonNull(path, what + " is null");
        if (!path.startsWith("/") || path.contains("\0") || path.contains(",") || List.of(path.split("/")).contains("..")) {
            throw new IllegalArgumentException(what + " is an absolute path without '..' or ','");
        }
    }

    /** Where the container's output goes (a file Podman's monitor writes) and how large it may grow before it is cut. */
    public record LogFile(Path path, long maxBytes) {
        public LogFile {
            requireNonNull(path, "path is null");
            if (!path.isAbsolute() || maxBytes < 4096) {
                throw new IllegalArgumentException("a log file is an absolute path of at least 4096 bytes");
            }
        }
    }
}
