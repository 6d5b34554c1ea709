package ca.heroa.appliance.workspace;

import ca.heroa.hsm.Fips;
import java.util.HexFormat;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A workspace's opaque identifier, {@code ws_} followed by 32 lower-case hex digits. */
public record WorkspaceId(String value) {

    public WorkspaceId {
        requireNonNull(value, "value is null");
        if (!wellFormed(value)) {
            throw new IllegalArgumentException("not a workspace ID");
        }
    }

    private static boolean wellFormed(String value) {
        if (value.length() != 35 || !value.startsWith("ws_")) {
            return false;
        }
        for (int i = 3; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    public static WorkspaceId random() {
        byte[] bytes = new byte[16];
        Fips.random().nextBytes(bytes);
        return new WorkspaceId("ws_" + HexFormat.of().formatHex(bytes));
    }

    /** The ID in {@code text}, or empty when it is not one (callers answer that like a workspace that does not exist). */
    public static Optional<WorkspaceId> parse(String text) {
        if (text == null || !wellFormed(text)) {
            return Optional.empty();
        }
        return Optional.of(new WorkspaceId(text));
    }

    @Override
    public String toString() {
        return value;
    }
}
