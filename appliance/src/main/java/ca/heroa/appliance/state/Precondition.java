package ca.heroa.appliance.state;

import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The conditions of a request ({@code If-Match}, {@code If-None-Match}, RFC 9110 section 13), evaluated against the
 * current version inside the transaction that writes, so two writers that read the same version cannot both win.
 */
public record Precondition(Optional<Condition> ifMatch, Optional<Condition> ifNoneMatch) {
    public static final Precondition NONE = new Precondition(Optional.empty(), Optional.empty());

    public Precondition {
        requireNonNull(ifMatch, "ifMatch is null");
        requireNonNull(ifNoneMatch, "ifNoneMatch is null");
    }

    /** One header's value: {@code *} or a list of entity tags. */
    public sealed interface Condition {
        /** {@code *}: any current version. */
        record Any() implements Condition {
        }

        /** A list of tags; a weak tag ({@code W/"..."}) and anything not a well-formed tag of ours never matches strongly. */
        record Tags(Set<EntityTag> strong, Set<EntityTag> weak) implements Condition {
            public Tags {
                strong = Set.copyOf(strong);
                weak = Set.copyOf(weak);
            }
        }
    }

    /** Reads the two headers (several occurrences of one are joined with commas, as HTTP allows). */
    public static Precondition of(Optional<String> ifMatch, Optional<String> ifNoneMatch) {
        return new Precondition(ifMatch.map(Precondition::condition), ifNoneMatch.map(Precondition::condition));
    }

    public static Precondition ifMatch(EntityTag tag) {
        return new Precondition(Optional.of(new Condition.Tags(Set.of(tag), Set.of())), Optional.empty());
    }

    public static Precondition ifNoneMatchAny() {
        return new Precondition(Optional.empty(), Optional.of(new Condition.Any()));
    }

    /** Whether a write or delete may go ahead, given the tag of the current version (empty: the key does not exist). */
    public boolean allows(Optional<EntityTag> current) {
        requireNonNull(current, "current is null");
        boolean matchHolds = ifMatch.map(condition -> switch (condition) {
            case Condition.Any any -> current.isPresent();
            case Condition.Tags tags -> current.isPresent() && tags.strong().contains(current.get());
        }).orElse(true);
        return matchHolds && !noneMatchFails(current);
    }

    /** For a read: whether {@code If-None-Match} names the current version, so the answer is 304 Not Modified. */
    public boolean notModified(EntityTag current) {
        return noneMatchFails(Optional.of(current));
    }

    private boolean noneMatchFails(Optional<EntityTag> current) {
        // If-None-Match compares weakly: W/"x" names the same version as "x".
        return ifNoneMatch.map(condition -> switch (condition) {
            case Condition.Any any -> current.isPresent();
            case Condition.Tags tags -> current.isPresent() && (tags.strong().contains(current.get()) || tags.weak().contains(current.get()));
        }).orElse(false);
    }

    private static Condition condition(String header) {
        if (header.strip().equals("*")) {
            return new Condition.Any();
        }
        Set<EntityTag> strong = new LinkedHashSet<>();
        Set<EntityTag> weak = new LinkedHashSet<>();
        for (String item : header.split(",", 64)) {
            String trimmed = item.strip();
            boolean isWeak = trimmed.startsWith("W/");
            String quoted = isWeak ? trimmed.substring(2) : trimmed;
            if (quoted.length() < 2 || quoted.charAt(0) != '"' || quoted.charAt(quoted.length() - 1) != '"') {
                continue;
            }
            try {
                EntityTag tag = new EntityTag(quoted.substring(1, quoted.length() - 1));
                (isWeak ? weak : strong).add(tag);
            } catch (IllegalArgumentException e) {
                // Not a tag this store ever issued: it matches nothing.
            }
        }
        return new Condition.Tags(strong, weak);
    }
}
