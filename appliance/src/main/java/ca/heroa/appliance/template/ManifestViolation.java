package ca.heroa.appliance.template;

import static java.util.Objects.requireNonNull;

/**
 * A manifest breaks a rule: where (a JSON Pointer relative to the value being built) and why (short, technical, never
 * a value from the manifest). The parser prefixes the pointer and turns it into an {@code invalid_manifest} problem.
 */
public final class ManifestViolation extends RuntimeException {
    private final String pointer;
    private final String reason;

    public ManifestViolation(String pointer, String reason) {
        super(requireNonNull(pointer, "pointer is null") + ": " + requireNonNull(reason, "reason is null"), null, false, false);
        this.pointer = pointer;
        this.reason = reason;
    }

    public String pointer() {
        return pointer;
    }

    public String reason() {
        return reason;
    }

    /** The same violation, seen from a value that holds this one at {@code prefix}. */
    public ManifestViolation under(String prefix) {
        return new ManifestViolation(prefix + pointer, reason);
    }
}
