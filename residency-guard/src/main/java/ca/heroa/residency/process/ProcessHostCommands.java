package ca.heroa.residency.process;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Runs programs with {@link ProcessBuilder}: no shell, absolute paths resolved once from the system directories, a fixed
 * environment ({@code PATH} of the system directories, {@code LC_ALL=C} so messages are stable), the working directory
 * {@code /}, standard input always a pipe (never the appliance's), output captured up to
 * {@link CommandResult#MAX_CAPTURE} bytes per stream, and the whole process tree killed on timeout.
 */
public final class ProcessHostCommands implements HostCommands {
    /** Where programs are looked up, in order; never the caller's {@code PATH}. */
    public static final List<Path> SYSTEM_DIRECTORIES = List.of(Path.of("/usr/sbin"), Path.of("/sbin"), Path.of("/usr/bin"), Path.of("/bin"));

    private static final System.Logger LOG = System.getLogger(ProcessHostCommands.class.getName());
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

    private final Map<String, Path> programs;
    private final String searchPath;

    private ProcessHostCommands(Map<String, Path> programs, String searchPath) {
        this.programs = Map.copyOf(programs);
        this.searchPath = searchPath;
    }

    /**
     * Resolves every program in {@link #SYSTEM_DIRECTORIES}.
     *
     * @throws HostCommandException naming every missing program and the Debian package to install for it
     */
    public static ProcessHostCommands create(Collection<Program> programs) {
        return create(programs, SYSTEM_DIRECTORIES);
    }

    static ProcessHostCommands create(Collection<Program> programs, List<Path> directories) {
        requireNonNull(programs, "programs is null");
        Map<String, Path> resolved = new LinkedHashMap<>();
        StringJoiner missing = new StringJoiner("; ");
        for (Program program : programs) {
            directories.stream()
                    .map(directory -> directory.resolve(program.name()))
                    .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                    .findFirst()
                    .ifPresentOrElse(path -> resolved.put(program.name(), path),
                            () -> missing.add(program.name() + " (apt-get install " + program.debianPackage() + ")"));
        }
        String searchPath = String.join(":", directories.stream().map(Path::toString).toList());
        if (missing.length() > 0) {
            throw new HostCommandException("required programs are missing: " + missing + "; looked in " + searchPath);
        }
        return new ProcessHostCommands(resolved, searchPath);
    }

    /** The absolute path a program was resolved to. */
    public Path path(Program program) {
        Path path = programs.get(program.name());
        if (path == null) {
            throw new HostCommandException("program '" + program.name() + "' was not declared when these host commands were created");
        }
        return path;
    }

    @Override
    public CommandResult run(Command command) {
        requireNonNull(command, "command is null");
        Path path = programs.get(command.program());
        if (path == null) {
            throw new HostCommandException("program '" + command.program() + "' is not one the appliance runs (declared: "
                    + String.join(", ", programs.keySet()) + ")");
        }
        List<String> argv = new ArrayList<>(command.argv());
        argv.set(0, path.toString());
        ProcessBuilder builder = new ProcessBuilder(argv).directory(new File("/"));
        builder.environment().clear();
        builder.environment().put("PATH", searchPath);
        builder.environment().put("LC_ALL", "C");
        long started = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new HostCommandException("could not start " + command.program() + ": " + e.getMessage(), e);
        }
        Capture stdout = Capture.start(process.getInputStream());
        Capture stderr = Capture.start(process.getErrorStream());
        byte[] input = command.stdin();
        Thread.ofVirtual().start(() -> {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(input);
            } catch (IOException ignored) {
                // The program closed its input early; its exit code and messages tell what happened.
            }
        });
        try {
            if (!process.waitFor(command.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                killTree(process);
                throw new HostCommandException(command.program() + " did not end within " + command.timeout()
                        + "; it was killed with its descendants");
            }
        } catch (InterruptedException e) {
            killTree(process);
            Thread.currentThread().interrupt();
            throw new HostCommandException("interrupted while " + command.program() + " ran; it was killed", e);
        }
        CommandResult result = new CommandResult(process.exitValue(), stdout.text(), stderr.text());
        LOG.log(System.Logger.Level.DEBUG, () -> command + " exited " + result.exitCode() + " after "
                + TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - started) + " us");
        return result;
    }

    private static void killTree(Process process) {
        // Descendants first: once the parent is gone, its children are re-parented and no longer found from it.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads a stream to its end on a virtual thread, keeping the first bytes and dropping (but still reading) the rest. */
    private static final class Capture {
        private final InputStream stream;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final Thread reader;
        private volatile boolean truncated;

        private Capture(InputStream stream) {
            this.stream = stream;
            this.reader = Thread.ofVirtual().unstarted(this::drain);
        }

        static Capture start(InputStream stream) {
            Capture capture = new Capture(stream);
            capture.reader.start();
            return capture;
        }

        private void drain() {
            byte[] buffer = new byte[8192];
            try (stream) {
                int read;
                while ((read = stream.read(buffer)) >= 0) {
                    synchronized (kept) {
                        int room = CommandResult.MAX_CAPTURE - kept.size();
                        if (read > room) {
                            truncated = true;
                        }
                        kept.write(buffer, 0, Math.max(0, Math.min(read, room)));
                    }
                }
            } catch (IOException ignored) {
                // Closed by text() after the program ended: what was read so far is the output.
            }
        }

        String text() {
            try {
                // A descendant that outlived the program may hold the pipe open: wait a little, then stop reading.
                if (!reader.join(DRAIN_AFTER_EXIT)) {
                    stream.close();
                    reader.join(DRAIN_AFTER_EXIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // Nothing more can be read; keep what was.
            }
            synchronized (kept) {
                String text = kept.toString(StandardCharsets.UTF_8);
                return truncated ? text + CommandResult.TRUNCATED : text;
            }
        }
    }
}
