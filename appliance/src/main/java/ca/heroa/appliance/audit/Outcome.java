package ca.heroa.appliance.audit;

import java.util.Locale;

/** How the audited action ended. */
public enum Outcome {
    SUCCESS,
    DENIED,
    FAILURE;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Outcome fromValue(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
