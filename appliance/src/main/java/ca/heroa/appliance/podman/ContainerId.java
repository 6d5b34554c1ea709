package ca.heroa.appliance.podman;

import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** A container's ID as Podman gives it (64 hex digits), or its name; it goes into API paths, so it is checked. */
public record ContainerId(String value) {
    private static final Pattern FORM = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

    public ContainerId {
        requireNonNull(value, "value is null");
        if (!FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("a container ID is 1 to 128 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
