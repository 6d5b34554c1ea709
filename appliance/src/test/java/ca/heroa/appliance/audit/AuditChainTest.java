package ca.heroa.appliance.audit;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditChainTest {
    private static final Instant AT = Instant.parse("2026-11-24T12:00:00.123456Z");

    private static AuditEvent event(String actor, Optional<String> workspace, Map<String, String> details) {
        return new AuditEvent(AT, actor, workspace, "workspace.create", "workspace:ws", Outcome.SUCCESS, Optional.of("req_1"),
                Optional.of("127.0.0.1"), new TreeMap<>(details));
    }

    @Test
    void hashIsDeterministicAndDocumented() {
        AuditEntry entry = AuditChain.link(1, event("cli", Optional.empty(), Map.of("name", "a")), AuditChain.genesis());
        assertArrayEquals(entry.entryHash(), AuditChain.link(1, event("cli", Optional.empty(), Map.of("name", "a")), AuditChain.genesis()).entryHash());
        assertTrue(AuditChain.matches(entry));
        assertEquals(32, entry.entryHash().length);
    }

    @Test
    void everyFieldIsCovered() {
        byte[] base = AuditChain.hash(1, event("cli", Optional.empty(), Map.of("name", "a")), AuditChain.genesis());
        assertFalse(java.util.Arrays.equals(base, AuditChain.hash(2, event("cli", Optional.empty(), Map.of("name", "a")), AuditChain.genesis())));
        assertFalse(java.util.Arrays.equals(base, AuditChain.hash(1, event("clj", Optional.empty(), Map.of("name", "a")), AuditChain.genesis())));
        assertFalse(java.util.Arrays.equals(base, AuditChain.hash(1, event("cli", Optional.of(""), Map.of("name", "a")), AuditChain.genesis())),
                "an absent field differs from an empty one");
        assertFalse(java.util.Arrays.equals(base, AuditChain.hash(1, event("cli", Optional.empty(), Map.of("name", "b")), AuditChain.genesis())));
        byte[] otherPrevious = AuditChain.genesis();
        otherPrevious[31] = 1;
        assertFalse(java.util.Arrays.equals(base, AuditChain.hash(1, event("cli", Optional.empty(), Map.of("name", "a")), otherPrevious)));
    }

    @Test
    void fieldBoundariesAreUnambiguous() {
        byte[] one = AuditChain.hash(1, event("ab", Optional.of("c"), Map.of()), AuditChain.genesis());
        byte[] two = AuditChain.hash(1, event("a", Optional.of("bc"), Map.of()), AuditChain.genesis());
        assertFalse(java.util.Arrays.equals(one, two));
    }
}
