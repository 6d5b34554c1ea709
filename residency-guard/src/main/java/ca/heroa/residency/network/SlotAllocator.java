package ca.heroa.residency.network;

import java.util.BitSet;

/** Which task link slots are in use: an in-memory bitmap, lowest free slot first. Thread-safe. */
final class SlotAllocator {
    private final int capacity;
    private final BitSet used = new BitSet();

    SlotAllocator(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("at least one slot");
        }
        this.capacity = capacity;
    }

    synchronized int allocate() {
        int slot = used.nextClearBit(0);
        if (slot >= capacity) {
            throw new TaskNetworkException("all " + capacity + " task network slots are in use");
        }
        used.set(slot);
        return slot;
    }

    synchronized void free(int slot) {
        used.clear(slot);
    }

    synchronized int inUse() {
        return used.cardinality();
    }

    synchronized void reset() {
        used.clear();
    }
}
