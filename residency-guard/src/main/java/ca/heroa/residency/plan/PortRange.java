package ca.heroa.residency.plan;

/** An inclusive range of ports, {@code first..last}; a single port is a range of one. */
public record PortRange(int first, int last) {
    public PortRange {
        if (first < 1 || last > 65_535 || first > last) {
            throw new IllegalArgumentException("a port range is 1..65535 with first <= last");
        }
    }

    public static PortRange of(int port) {
        return new PortRange(port, port);
    }

    /** {@code 443} or {@code 8000-8100}. */
    public static PortRange parse(String text) {
        int dash = text.indexOf('-');
        try {
            if (dash < 0) {
                return of(Integer.parseInt(text.strip()));
            }
            return new PortRange(Integer.parseInt(text.substring(0, dash).strip()), Integer.parseInt(text.substring(dash + 1).strip()));
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("a port is a number from 1 to 65535, a range is first-last");
        }
    }

    public boolean contains(int port) {
        return port >= first && port <= last;
    }

    public boolean contains(PortRange other) {
        return other.first >= first && other.last <= last;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
