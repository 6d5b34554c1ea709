package ca.heroa.appliance.task;

/** What a task printed, each stream cut at the configured cap ({@code truncated} says whether it was). */
public record TaskOutput(byte[] stdout, boolean stdoutTruncated, byte[] stderr, boolean stderrTruncated) {
    public TaskOutput {
        stdout = stdout.clone();
        stderr = stderr.clone();
    }

    public static final TaskOutput EMPTY = new TaskOutput(new byte[0], false, new byte[0], false);

    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    @Override
    public byte[] stderr() {
        return stderr.clone();
    }
}
