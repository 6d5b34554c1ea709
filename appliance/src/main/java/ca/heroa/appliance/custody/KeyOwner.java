package ca.heroa.appliance.custody;

import ca.heroa.appliance.workspace.WorkspaceId;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** Whose software key a wrapped key is: the appliance's (by name) or a workspace's data key. */
public sealed interface KeyOwner {
    /** The key that hashes API tokens. */
    KeyOwner TOKEN_HASH = new Appliance("token-hash");

    /** The stored form, e.g. {@code appliance:token-hash} or {@code workspace:ws_...}. */
    String value();

    Optional<WorkspaceId> workspace();

    static KeyOwner of(WorkspaceId workspace) {
        return new Workspace(workspace);
    }

    static KeyOwner parse(String value) {
        if (value.startsWith("workspace:")) {
            return new Workspace(WorkspaceId.parse(value.substring("workspace:".length()))
                    .orElseThrow(() -> new IllegalArgumentException("not a key owner: " + value)));
        }
        if (value.startsWith("appliance:")) {
            return new Appliance(value.substring("appliance:".length()));
        }
        throw new IllegalArgumentException("not a key owner: " + value);
    }

    record Appliance(String name) implements KeyOwner {
        public Appliance {
            requireNonNull(name, "name is null");
        }

        @Override
        public String value() {
            return "appliance:" + name;
        }

        @Override
        public Optional<WorkspaceId> workspace() {
            return Optional.empty();
        }
    }

    record Workspace(WorkspaceId id) implements KeyOwner {
        public Workspace {
            requireNonNull(id, "id is null");
        }

        @Override
        public String value() {
            return "workspace:" + id.value();
        }

        @Override
        public Optional<WorkspaceId> workspace() {
            return Optional.of(id);
        }
    }
}
