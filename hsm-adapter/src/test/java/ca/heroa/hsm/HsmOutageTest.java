package ca.heroa.hsm;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The token's storage disappears while custody is open (a stand-in for an HSM that stops answering): every operation
 * that needs the HSM fails with "unavailable", none is served from software, and custody comes back by itself once
 * the storage does, without being reopened.
 */
class HsmOutageTest {

    @Test
    void failsClosedWhileTheTokenIsGoneAndRecoversWithoutReopening() throws Exception {
        byte[] context = "ws_outage".getBytes(StandardCharsets.UTF_8);
        try (KeyCustody custody = TestToken.provisioned("outage"); DataKey key = custody.newDataKey()) {
            WrappedKey wrapped = custody.wrap(key, context);
            Path tokens = TestToken.directory().resolve("tokens");
            Path away = TestToken.directory().resolve("tokens.away");
            Files.move(tokens, away, StandardCopyOption.ATOMIC_MOVE);
            try {
                for (int attempt = 0; attempt < 3; attempt++) {
                    CustodyUnavailableException wrap = assertThrows(CustodyUnavailableException.class, () -> custody.wrap(key, context));
                    assertEquals(CustodyProblem.HSM_UNAVAILABLE, wrap.problem());
                    assertThrows(CustodyUnavailableException.class, () -> custody.unwrapDataKey(wrapped, context));
                    assertThrows(CustodyUnavailableException.class, () -> custody.sign(KeyPurpose.AUDIT_SIGNING, context));
                }
            } finally {
                Files.move(away, tokens, StandardCopyOption.ATOMIC_MOVE);
            }
            try (DataKey back = custody.unwrapDataKey(wrapped, context)) {
                byte[] sealed = key.seal(context, context);
                assertArrayEquals(context, back.open(sealed, context), "the same key came back after recovery");
            }
            custody.sign(KeyPurpose.AUDIT_SIGNING, context);
        }
    }
}
