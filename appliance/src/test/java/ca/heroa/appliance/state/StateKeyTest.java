package ca.heroa.appliance.state;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key and prefix rules, and the If-Match / If-None-Match evaluation, without a server. */
class StateKeyTest {
    @Test
    void keysAreSegmentsOfSafeCharactersWithoutTraversal() {
        for (String key : List.of("a", "agents/run-7/checkpoint.json", ".hidden", "a/.b/..c/...", "A_Z-09", "x".repeat(512))) {
            assertEquals(Optional.of(new StateKey(key)), StateKey.parse(key), key);
        }
        for (String key : List.of("", "/", "/a", "a/", "a//b", ".", "..", "a/.", "a/..", "../a", "a/./b", "a/../b", "a\u0000b", "a\nb",
                "a\u007fb", "a b", "a%2Fb", "a\\b", "é", "a;b", "a?b", "a#b", "x".repeat(513))) {
            assertEquals(Optional.empty(), StateKey.parse(key), "refused: " + key.replace("\u0000", "\\0"));
        }
        assertEquals(Optional.empty(), StateKey.parse(null));
        assertTrue(StateKey.validPrefix(""));
        assertTrue(StateKey.validPrefix("agents/"));
        assertFalse(StateKey.validPrefix("a%"));
        assertFalse(StateKey.validPrefix("x".repeat(513)));
    }

    @Test
    void preconditionsFollowRfc9110() {
        EntityTag current = EntityTag.of(3, "abc");
        EntityTag older = EntityTag.of(2, "xyz");
        assertTrue(Precondition.NONE.allows(Optional.empty()));
        assertTrue(Precondition.NONE.allows(Optional.of(current)));
        assertTrue(Precondition.ifMatch(current).allows(Optional.of(current)));
        assertFalse(Precondition.ifMatch(older).allows(Optional.of(current)));
        assertFalse(Precondition.ifMatch(current).allows(Optional.empty()));
        assertTrue(Precondition.ifNoneMatchAny().allows(Optional.empty()));
        assertFalse(Precondition.ifNoneMatchAny().allows(Optional.of(current)));
        assertTrue(Precondition.of(Optional.of(" \"2.xyz\" , \"3.abc\""), Optional.empty()).allows(Optional.of(current)), "a list");
        assertFalse(Precondition.of(Optional.of("W/\"3.abc\""), Optional.empty()).allows(Optional.of(current)), "weak never matches If-Match");
        assertFalse(Precondition.of(Optional.of("3.abc"), Optional.empty()).allows(Optional.of(current)), "unquoted is no tag");
        assertTrue(Precondition.of(Optional.of("*"), Optional.empty()).allows(Optional.of(current)));
        assertTrue(Precondition.of(Optional.empty(), Optional.of("W/\"3.abc\"")).notModified(current), "If-None-Match is weak");
        assertFalse(Precondition.of(Optional.empty(), Optional.of("\"2.xyz\"")).notModified(current));
        assertFalse(Precondition.of(Optional.empty(), Optional.of("\"3.abc\"")).allows(Optional.of(current)), "If-None-Match on a write");
    }
}
