package ca.heroa.appliance.workspace;

import java.util.regex.Pattern;

/**
 * Names of workspaces and tokens: 1 to 64 characters, letters (any script) or digits first, then letters,
 * digits, spaces, '.', '_' or '-'. No control characters, no leading or trailing space.
 */
public final class Names {
    public static final int MAX_LENGTH = 64;
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._-]{0,63}");

    private Names() {
    }

    public static boolean valid(String name) {
        return name != null && NAME.matcher(name).matches() && !name.endsWith(" ");
    }
}
