package ca.heroa.appliance.http;

import org.junit.jupiter.api.Test;

import java.text.MessageFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Promise 11: every message exists in English and French, with the same placeholders. */
class MessagesTest {
    private final Messages english = Messages.of(Language.EN);
    private final Messages french = Messages.of(Language.FR);

    @Test
    void sameKeysInBothLanguages() {
        assertEquals(new java.util.TreeSet<>(english.keys()), new java.util.TreeSet<>(french.keys()));
    }

    @Test
    void everyErrorCodeHasATitleAndDetailInBothLanguages() {
        for (ErrorCode code : ErrorCode.values()) {
            assertNotEquals(english.title(code), french.title(code), code + " title is translated");
            english.detail(code, List.of("x", "y"));
            french.detail(code, List.of("x", "y"));
        }
    }

    @Test
    void samePlaceholdersInBothLanguages() {
        for (String key : english.keys()) {
            assertEquals(arguments(english, key), arguments(french, key), key + " uses the same arguments in both languages");
            assertEquals(-1, french.text(key, 1L, 2L, 3L).indexOf("''"), key + ": an apostrophe must not show doubled");
        }
    }

    /** How many arguments the message's pattern uses, read from the pattern itself. */
    private static int arguments(Messages messages, String key) {
        return new MessageFormat(messages.pattern(key), messages.language().locale()).getFormatsByArgumentIndex().length;
    }

    @Test
    void countsAgreeInNumber() {
        assertEquals("La chaîne d'audit est intacte : 1 entrée vérifiée.", french.text("audit.verify.intact", 1L));
        assertEquals("La chaîne d'audit est intacte : 3 entrées vérifiées.", french.text("audit.verify.intact", 3L));
        assertEquals("The audit chain is intact: 1 entry verified.", english.text("audit.verify.intact", 1L));
        assertEquals("The audit chain is intact: 12,345 entries verified.", english.text("audit.verify.intact", 12_345L));
    }

    @Test
    void acceptLanguagePicksFrenchOnlyWhenPreferred() {
        assertEquals(Language.FR, Language.fromAcceptLanguage("fr-CA,fr;q=0.9,en;q=0.8"));
        assertEquals(Language.EN, Language.fromAcceptLanguage("en-CA,fr;q=0.5"));
        assertEquals(Language.EN, Language.fromAcceptLanguage("de"));
        assertEquals(Language.EN, Language.fromAcceptLanguage(";;;garbage"));
        assertEquals(Language.EN, Language.fromAcceptLanguage(null));
        assertEquals("x", new MessageFormat("{0}").format(new Object[] {"x"}));
    }
}
