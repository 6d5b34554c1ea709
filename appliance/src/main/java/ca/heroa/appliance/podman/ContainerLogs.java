package ca.heroa.appliance.podman;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * What a container wrote, each stream cut at the caller's cap.
 *
 * @param stdout          standard output, at most the cap
 * @param stdoutTruncated whether it wrote more than that
 * @param stderr          standard error, at most the cap
 * @param stderrTruncated whether it wrote more than that
 */
public record ContainerLogs(byte[] stdout, boolean stdoutTruncated, byte[] stderr, boolean stderrTruncated) {
    public ContainerLogs {
        stdout = requireNonNull(stdout, "stdout is null").clone();
        stderr = requireNonNull(stderr, "stderr is null").clone();
    }

    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    @Override
    public byte[] stderr() {
        return stderr.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ContainerLogs that && stdoutTruncated == that.stdoutTruncated && stderrTruncated == that.stderrTruncated
                && Arrays.equals(stdout, that.stdout) && Arrays.equals(stderr, that.stderr);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(stdout) + Arrays.hashCode(stderr) + (stdoutTruncated ? 2 : 0) + (stderrTruncated ? 1 : 0);
    }

    @Override
    public String toString() {
        return "ContainerLogs[stdout=" + stdout.length + " bytes" + (stdoutTruncated ? " (truncated)" : "") + ", stderr=" + stderr.length
                + " bytes" + (stderrTruncated ? " (truncated)" : "") + "]";
    }
}
