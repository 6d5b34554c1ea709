package ca.heroa.residency.nft;

/** Packets and bytes one kernel counter saw. */
public record PacketCount(long packets, long bytes) {
    public static final PacketCount ZERO = new PacketCount(0, 0);

    public PacketCount {
        if (packets < 0 || bytes < 0) {
            throw new IllegalArgumentException("packet and byte counts are not negative");
        }
    }

    /** The sum; saturates at {@link Long#MAX_VALUE} rather than wrapping. */
    public PacketCount plus(PacketCount other) {
        return new PacketCount(saturatedAdd(packets, other.packets), saturatedAdd(bytes, other.bytes));
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
