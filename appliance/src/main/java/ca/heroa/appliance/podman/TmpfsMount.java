package ca.heroa.appliance.podman;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A private in-memory file system in a container, mounted nosuid and nodev.
 *
 * @param destination absolute path inside the container
 * @param sizeBytes   most bytes it holds (its pages count against the container's memory limit too)
 * @param inodes      most files it holds. Podman 4.3 refuses the tmpfs option {@code nr_inodes} (CLI and API alike), so
 *                    this is not passed on there: the kernel's inode objects are charged to the container's memory
 *                    cgroup, which bounds them instead. Kept so a Podman that accepts it can be given it.
 * @param mode        octal permission bits of its root, e.g. {@code 1777} or {@code 0700}
 */
public record TmpfsMount(String destination, long sizeBytes, long inodes, String mode) {
    private static final Pattern MODE = Pattern.compile("[0-7]{3,4}");

    public TmpfsMount {
        ContainerSpec.requireAbsolute(destination, "destination");
        if (sizeBytes < 4096) {
            throw new IllegalArgumentException("a tmpfs holds at least 4096 bytes");
        }
        if (inodes < 1) {
            throw new IllegalArgumentException("a tmpfs holds at least one inode");
        }
        requireNonNull(mode, "mode is null");
        if (!MODE.matcher(mode).matches()) {
            throw new IllegalArgumentException("a tmpfs mode is 3 or 4 octal digits");
        }
    }
}
