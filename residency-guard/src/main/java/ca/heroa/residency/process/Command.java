package ca.heroa.residency.process;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One external program to run: its arguments (the first is the program's bare name, resolved by {@link HostCommands}
 * to an absolute path), the bytes written to its standard input (then closed), and how long it may take.
 */
public record Command(List<String> argv, byte[] stdin, Duration timeout) {
    public static final int MAX_ARGUMENTS = 256;
    public static final int MAX_ARGUMENT_LENGTH = 4_096;
    public static final int MAX_STDIN = 16 * 1024 * 1024;
    public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

    public Command {
        argv = List.copyOf(argv);
        requireNonNull(stdin, "stdin is null");
        stdin = stdin.clone();
        requireNonNull(timeout, "timeout is null");
        if (argv.isEmpty() || argv.size() > MAX_ARGUMENTS) {
            throw new IllegalArgumentException("a command has 1 to " + MAX_ARGUMENTS + " arguments");
        }
        for (String argument : argv) {
            if (argument.length() > MAX_ARGUMENT_LENGTH || argument.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("an argument is at most " + MAX_ARGUMENT_LENGTH + " characters without NUL");
            }
        }
        if (argv.get(0).isEmpty() || argv.get(0).indexOf('/') >= 0) {
            throw new IllegalArgumentException("the program is named without a path; HostCommands resolves it");
        }
        if (stdin.length > MAX_STDIN) {
            throw new IllegalArgumentException("standard input is at most " + MAX_STDIN + " bytes");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("a timeout is positive and at most " + MAX_TIMEOUT);
        }
    }

    /** A command with nothing on its standard input. */
    public static Command of(Duration timeout, String... argv) {
        return new Command(List.of(argv), new byte[0], timeout);
    }

    /** A command reading {@code stdin} (UTF-8) on its standard input. */
    public static Command withInput(Duration timeout, String stdin, String... argv) {
        return new Command(List.of(argv), stdin.getBytes(StandardCharsets.UTF_8), timeout);
    }

    public String program() {
        return argv.get(0);
    }

    @Override
    public byte[] stdin() {
        return stdin.clone();
    }

    /** Standard input decoded as UTF-8 (for fakes and tests). */
    public String stdinText() {
        return new String(stdin, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Command command && argv.equals(command.argv) && Arrays.equals(stdin, command.stdin)
                && timeout.equals(command.timeout);
    }

    @Override
    public int hashCode() {
        return (argv.hashCode() * 31 + Arrays.hashCode(stdin)) * 31 + timeout.hashCode();
    }

    /** The arguments and the size of the input, never the input itself. */
    @Override
    public String toString() {
        return String.join(" ", argv) + (stdin.length == 0 ? "" : " <" + stdin.length + " bytes on stdin>");
    }
}
