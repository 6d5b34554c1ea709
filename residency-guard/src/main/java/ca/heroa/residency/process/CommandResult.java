package ca.heroa.residency.process;

import static java.util.Objects.requireNonNull;

/**
 * How a program ended: its exit code and what it wrote, each stream cut at {@link #MAX_CAPTURE} bytes (a cut stream ends
 * with {@link #TRUNCATED}).
 */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public static final int MAX_CAPTURE = 1024 * 1024;
    public static final String TRUNCATED = "\n[output truncated at " + MAX_CAPTURE + " bytes]";

    public CommandResult {
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
    }

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Standard error, stripped and cut to {@code limit} characters, for an exception message or a log line. */
    public String stderrExcerpt(int limit) {
        String text = stderr.strip();
        return text.length() <= limit ? text : text.substring(0, limit) + "...";
    }
}
