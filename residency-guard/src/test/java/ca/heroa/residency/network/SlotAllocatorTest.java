package ca.heroa.residency.network;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SlotAllocatorTest {
    @Test
    void handsOutTheLowestFreeSlotAndRefusesWhenAllAreInUse() {
        SlotAllocator slots = new SlotAllocator(3);
        assertEquals(0, slots.allocate());
        assertEquals(1, slots.allocate());
        assertEquals(2, slots.allocate());
        TaskNetworkException exhausted = assertThrows(TaskNetworkException.class, slots::allocate);
        assertEquals("all 3 task network slots are in use", exhausted.getMessage());
        slots.free(1);
        assertEquals(1, slots.allocate());
    }

    @Test
    void neverHandsTheSameSlotToTwoCallers() throws InterruptedException {
        SlotAllocator slots = new SlotAllocator(1_000);
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 1_000; i++) {
                pool.submit(() -> seen.add(slots.allocate()));
            }
        }
        assertEquals(1_000, seen.size());
        assertEquals(1_000, slots.inUse());
    }
}
