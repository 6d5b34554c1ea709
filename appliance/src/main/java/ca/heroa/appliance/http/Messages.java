package ca.heroa.appliance.http;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The English and French message bundles. Every user-visible string comes from here.
 */
public final class Messages {
    private static final String BUNDLE = "ca.heroa.appliance.i18n.messages";
    private static final ResourceBundle.Control NO_FALLBACK =
            ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES);

    private final Language language;
    private final ResourceBundle bundle;

    private Messages(Language language) {
        this.language = language;
        this.bundle = ResourceBundle.getBundle(BUNDLE, language.locale(), NO_FALLBACK);
    }

    private static final Messages ENGLISH = new Messages(Language.EN);
    private static final Messages FRENCH = new Messages(Language.FR);

    public static Messages of(Language language) {
        return switch (language) {
            case EN -> ENGLISH;
            case FR -> FRENCH;
        };
    }

    public Language language() {
        return language;
    }

    /** The text for {@code key} with {@code arguments} filled in; a missing key is a defect and fails loudly. */
    public String text(String key, Object... arguments) {
        return new MessageFormat(pattern(key), language.locale()).format(arguments);
    }

    /** The raw MessageFormat pattern of {@code key}. */
    public String pattern(String key) {
        try {
            return bundle.getString(key);
        } catch (MissingResourceException e) {
            throw new IllegalStateException("message key missing for " + language + ": " + key, e);
        }
    }

    public String title(ErrorCode code) {
        return text("error." + code.code() + ".title");
    }

    public String detail(ErrorCode code, List<String> arguments) {
        return text("error." + code.code() + ".detail", arguments.toArray());
    }

    /** Every key of the bundle, for the parity test. */
    public java.util.Set<String> keys() {
        return bundle.keySet();
    }

    /** The CLI's language: French when LANG or LC_ALL says so, English otherwise. */
    public static Messages forEnvironment() {
        String lang = System.getenv().getOrDefault("LC_ALL", "");
        if (lang.isBlank()) {
            lang = System.getenv().getOrDefault("LANG", "");
        }
        return of(lang.toLowerCase(Locale.ROOT).startsWith("fr") ? Language.FR : Language.EN);
    }
}
