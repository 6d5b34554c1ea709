package ca.heroa.appliance.template;

import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * A template's name: the characters of a secret name ({@code A-Z a-z 0-9 . _ -}, starting with a letter or digit),
 * 1 to 64 of them. It appears in task requests, audit targets and the {@code name:version} form, so nothing a URL or a
 * path could misread.
 */
public record TemplateName(String value) {
    public static final int MAX_LENGTH = 64;
    /** The same expression as the published JSON Schema's. */
    public static final String PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
    private static final Pattern FORM = Pattern.compile(PATTERN);

    public TemplateName {
        requireNonNull(value, "value is null");
        if (!valid(value)) {
            throw new IllegalArgumentException("not a valid template name");
        }
    }

    public static Optional<TemplateName> parse(String value) {
        return value != null && valid(value) ? Optional.of(new TemplateName(value)) : Optional.empty();
    }

    private static boolean valid(String value) {
        return value.length() <= MAX_LENGTH && FORM.matcher(value).matches();
    }

    @Override
    public String toString() {
        return value;
    }
}
