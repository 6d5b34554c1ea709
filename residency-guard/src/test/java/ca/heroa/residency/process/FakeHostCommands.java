package ca.heroa.residency.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * A hand-written {@link HostCommands} for tests: records every command and answers from scripted rules (the most
 * recently added rule whose predicate matches, so a test can override a default; a rule may answer once), otherwise
 * with exit code 0 and no output. Thread-safe.
 */
public final class FakeHostCommands implements HostCommands {
    private final List<Command> commands = new ArrayList<>();
    private final Deque<Rule> rules = new ArrayDeque<>();

    private record Rule(Predicate<Command> matches, Function<Command, CommandResult> answer, boolean once) {
    }

    /** Answers every matching command with {@code result}. */
    public synchronized FakeHostCommands when(Predicate<Command> matches, CommandResult result) {
        rules.addLast(new Rule(requireNonNull(matches, "matches is null"), command -> result, false));
        return this;
    }

    /** Answers the next matching command with {@code result}, then no more. */
    public synchronized FakeHostCommands once(Predicate<Command> matches, CommandResult result) {
        rules.addLast(new Rule(requireNonNull(matches, "matches is null"), command -> result, true));
        return this;
    }

    /** Computes the answer (or throws a {@link HostCommandException}, as a timeout would). */
    public synchronized FakeHostCommands answer(Predicate<Command> matches, Function<Command, CommandResult> answer) {
        rules.addLast(new Rule(requireNonNull(matches, "matches is null"), requireNonNull(answer, "answer is null"), false));
        return this;
    }

    @Override
    public CommandResult run(Command command) {
        requireNonNull(command, "command is null");
        Rule rule;
        synchronized (this) {
            commands.add(command);
            rule = null;
            for (Iterator<Rule> newestFirst = rules.descendingIterator(); newestFirst.hasNext() && rule == null; ) {
                Rule candidate = newestFirst.next();
                if (candidate.matches().test(command)) {
                    rule = candidate;
                }
            }
            if (rule != null && rule.once()) {
                rules.remove(rule);
            }
        }
        return rule == null ? new CommandResult(0, "", "") : rule.answer().apply(command);
    }

    /** Every command run so far, in order. */
    public synchronized List<Command> commands() {
        return List.copyOf(commands);
    }

    public synchronized void clear() {
        commands.clear();
    }

    /** Matches commands whose arguments, joined with spaces, contain {@code text}. */
    public static Predicate<Command> argumentsContain(String text) {
        return command -> String.join(" ", command.argv()).contains(text);
    }

    /** Matches commands whose standard input contains {@code text}. */
    public static Predicate<Command> inputContains(String text) {
        return command -> command.stdinText().contains(text);
    }

    public static CommandResult failure(int exitCode, String stderr) {
        return new CommandResult(exitCode, "", stderr);
    }

    public static CommandResult success(String stdout) {
        return new CommandResult(0, stdout, "");
    }
}
