package ca.heroa.appliance.template;

import java.time.Instant;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** One step of a version's review history. */
public record ReviewEvent(Action action, String actor, Instant at, Optional<String> comment) {
    public static final int MAX_COMMENT = 2000;

    public ReviewEvent {
        requireNonNull(action, "action is null");
        requireNonNull(actor, "actor is null");
        requireNonNull(at, "at is null");
        requireNonNull(comment, "comment is null");
        comment.ifPresent(text -> {
            if (TemplateManifest.length(text) > MAX_COMMENT) {
                throw new IllegalArgumentException("review comment over " + MAX_COMMENT + " characters");
            }
        });
    }

    public enum Action {
        SUBMITTED, APPROVED, REJECTED;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Action fromValue(String value) {
            return valueOf(value.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
