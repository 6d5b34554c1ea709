package ca.heroa.appliance.vault;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A secret's name: 1 to 128 characters from {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit. It becomes a
 * file name in the task's secrets directory, so no slash, no leading dot, nothing a path could misread.
 */
public record SecretName(String value) {
    public static final int MAX_LENGTH = 128;

    public SecretName {
        requireNonNull(value, "value is null");
        if (!valid(value)) {
            throw new IllegalArgumentException("not a valid secret name");
        }
    }

    public static Optional<SecretName> parse(String value) {
        return value != null && valid(value) ? Optional.of(new SecretName(value)) : Optional.empty();
    }

    private static boolean valid(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH || !letterOrDigit(value.charAt(0))) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!letterOrDigit(c) && c != '.' && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    private static boolean letterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    @Override
    public String toString() {
        return value;
    }
}
