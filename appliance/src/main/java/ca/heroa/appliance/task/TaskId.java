package ca.heroa.appliance.task;

import ca.heroa.hsm.Fips;

import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** A task's identifier, {@code task_} and 24 hex digits from the FIPS DRBG; it names the container, its cgroup and its audit entries. */
public record TaskId(String value) {
    private static final Pattern FORM = Pattern.compile("task_[0-9a-f]{24}");

    public TaskId {
        requireNonNull(value, "value is null");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("a task ID is task_ followed by 24 lower-case hex digits");
        }
    }

    public static TaskId random() {
        return new TaskId("task_" + HexFormat.of().formatHex(Fips.randomBytes(12)));
    }

    public static Optional<TaskId> parse(String text) {
        return text != null && text.length() == 29 && FORM.matcher(text).matches() ? Optional.of(new TaskId(text)) : Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
