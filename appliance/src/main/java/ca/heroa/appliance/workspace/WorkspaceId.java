package ca.heroa.appliance.workspace;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** A workspace's opaque identifier, {@code ws_} followed by 32 lower-case hex digits. */
public record WorkspaceId(String value) {
    private static final Pattern FORMAT = Pattern.compile("ws_[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    public WorkspaceId {
        requireNonNull(value, "value is null");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("not a workspace ID");
        }
    }

    public static WorkspaceId random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return new WorkspaceId("ws_" + HexFormat.of().formatHex(bytes));
    }

    /** The ID in {@code text}, or empty when it is not one (callers answer that like a workspace that does not exist). */
    public static Optional<WorkspaceId> parse(String text) {
        if (text == null || !FORMAT.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(new WorkspaceId(text));
    }

    @Override
    public String toString() {
        return value;
    }
}
