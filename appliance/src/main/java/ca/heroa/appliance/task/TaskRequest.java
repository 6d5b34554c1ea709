package ca.heroa.appliance.task;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * What a caller asks to run: a template (its own, or a public one) and optionally a version and an input, which the
 * task reads from {@code /run/heroa/input}.
 */
public record TaskRequest(String template, Optional<Integer> version, Optional<byte[]> input) {
    public TaskRequest {
        requireNonNull(template, "template is null");
        requireNonNull(version, "version is null");
        input = requireNonNull(input, "input is null").map(byte[]::clone);
    }
}
