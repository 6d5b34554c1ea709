package ca.heroa.appliance.template;

import java.util.Arrays;
import java.util.Locale;

/** Where a template version is in its review; only {@link #APPROVED} versions are public. */
public enum TemplateStatus {
    /** Visible to and runnable by its own workspace only. */
    PRIVATE,
    /** Submitted by its workspace; waits for a tenant admin other than its author. */
    PENDING_REVIEW,
    /** Public: visible to and runnable by every workspace of the tenant. Final. */
    APPROVED,
    /** Refused with a comment; still private, and may be submitted again. */
    REJECTED;

    /** As the API and the database spell it: {@code private}, {@code pending_review}, ... */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TemplateStatus fromValue(String value) {
        return Arrays.stream(values()).filter(status -> status.value().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown template status"));
    }
}
