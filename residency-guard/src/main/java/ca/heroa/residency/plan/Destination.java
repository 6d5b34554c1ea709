package ca.heroa.residency.plan;

import ca.heroa.residency.address.Cidr;

import java.util.Locale;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/** Where an allowance points: a host name, resolved by the appliance when a task starts, or a block of addresses. */
public sealed interface Destination {
    /** Text as declared: the host name or the block in CIDR form. */
    String text();

    static Destination parse(String text) {
        requireNonNull(text, "text is null");
        if (text.indexOf(':') >= 0 || text.indexOf('/') >= 0 || HostName.LOOKS_NUMERIC.matcher(text).matches()) {
            return new Block(Cidr.parse(text));
        }
        return new HostName(text);
    }

    /** A DNS name: letter-digit-hyphen labels, the last one starting with a letter; stored in lower case. */
    record HostName(String name) implements Destination {
        public static final int MAX_LENGTH = 253;
        private static final Pattern FORM = Pattern.compile(
                "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z]([a-z0-9-]{0,61}[a-z0-9])?");
        private static final Pattern LOOKS_NUMERIC = Pattern.compile("[0-9.]+");

        public HostName {
            requireNonNull(name, "name is null");
            name = name.toLowerCase(Locale.ROOT);
            if (name.length() > MAX_LENGTH || !FORM.matcher(name).matches()) {
                throw new IllegalArgumentException("not a valid host name");
            }
        }

        @Override
        public String text() {
            return name;
        }
    }

    /** A CIDR block (a single address is a block of one). */
    record Block(Cidr cidr) implements Destination {
        public Block {
            requireNonNull(cidr, "cidr is null");
        }

        @Override
        public String text() {
            return cidr.toString();
        }
    }
}
