package ca.heroa.appliance.http;

import java.util.List;
import java.util.Locale;

/**
 * The two languages of the product, chosen from {@code Accept-Language}.
 */
public enum Language {
    EN(Locale.ENGLISH),
    FR(Locale.FRENCH);

    private static final List<Locale> SUPPORTED = List.of(Locale.ENGLISH, Locale.FRENCH);
    private static final int MAX_HEADER_LENGTH = 512;

    private final Locale locale;

    Language(Locale locale) {
        this.locale = locale;
    }

    public Locale locale() {
        return locale;
    }

    /** The best supported language for an {@code Accept-Language} value; English when nothing matches or the header is invalid. */
    public static Language fromAcceptLanguage(String header) {
        if (header == null || header.isBlank() || header.length() > MAX_HEADER_LENGTH) {
            return EN;
        }
        try {
            List<Locale.LanguageRange> ranges = Locale.LanguageRange.parse(header);
            Locale match = Locale.lookup(ranges, SUPPORTED);
            if (match != null && match.getLanguage().equals("fr")) {
                return FR;
            }
            return EN;
        } catch (IllegalArgumentException e) {
            return EN;
        }
    }
}
