package ca.heroa.appliance.token;

import ca.heroa.appliance.testing.TestCustody;
import ca.heroa.hsm.KeyCustody;
import ca.heroa.hsm.MacKey;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenSecretTest {
    @Test
    void tokensCarryAtLeast256RandomBitsAndARecognisablePrefix() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            TokenSecret token = TokenSecret.generate(TokenKind.WORKSPACE);
            assertTrue(token.reveal().startsWith("heroa_wt_"));
            String secret = token.reveal().substring(34);
            assertEquals(32, Base64.getUrlDecoder().decode(secret).length, "256 bits");
            assertTrue(seen.add(token.reveal()));
        }
        assertTrue(TokenSecret.generate(TokenKind.TENANT_ADMIN).reveal().startsWith("heroa_at_"));
    }

    @Test
    void parsingRoundTripsAndRejectsGarbage() {
        TokenSecret token = TokenSecret.generate(TokenKind.TENANT_ADMIN);
        TokenSecret parsed = TokenSecret.parse(token.reveal()).orElseThrow();
        assertEquals(token.tokenId(), parsed.tokenId());
        assertEquals(TokenKind.TENANT_ADMIN, parsed.kind());
        assertTrue(TokenSecret.parse("heroa_wt_xyz").isEmpty());
        assertTrue(TokenSecret.parse("x".repeat(10_000)).isEmpty());
    }

    @Test
    void neverRevealedByToString() {
        TokenSecret token = TokenSecret.generate(TokenKind.WORKSPACE);
        assertFalse(token.toString().contains(token.reveal().substring(34)));
    }

    @Test
    void keyedHashDependsOnTheKeyAndComparesByValue() {
        TokenSecret token = TokenSecret.generate(TokenKind.WORKSPACE);
        try (KeyCustody custody = TestCustody.open(); MacKey first = custody.newMacKey(); MacKey second = custody.newMacKey()) {
            TokenHasher one = new TokenHasher(() -> first);
            TokenHasher two = new TokenHasher(() -> second);
            assertHashes(token, one, two);
        }
    }

    private static void assertHashes(TokenSecret token, TokenHasher one, TokenHasher two) {
        assertTrue(one.matches(token, one.hash(token)));
        assertFalse(two.matches(token, one.hash(token)));
        assertFalse(one.matches(TokenSecret.generate(TokenKind.WORKSPACE), one.hash(token)));
    }
}
