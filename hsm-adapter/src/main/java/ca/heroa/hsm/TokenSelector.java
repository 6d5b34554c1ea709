package ca.heroa.hsm;

import static java.util.Objects.requireNonNull;

/** Which token to use: by its label (preferred: slot numbers can change), or by slot ID. */
public sealed interface TokenSelector {
    static TokenSelector label(String label) {
        return new Label(label);
    }

    static TokenSelector slot(long slot) {
        return new Slot(slot);
    }

    record Label(String label) implements TokenSelector {
        public Label {
            requireNonNull(label, "label is null");
            if (label.isBlank() || label.length() > 32) {
                throw new IllegalArgumentException("a token label has 1 to 32 characters");
            }
        }

        @Override
        public String toString() {
            return "labelled \"" + label + "\"";
        }
    }

    record Slot(long slot) implements TokenSelector {
        @Override
        public String toString() {
            return "in slot " + slot;
        }
    }
}
