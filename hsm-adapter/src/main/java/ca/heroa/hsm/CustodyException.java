package ca.heroa.hsm;

import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

import static java.util.Objects.requireNonNull;

/**
 * A key-custody failure, with a problem code and arguments that never contain a PIN, key material or data. The
 * message is English; {@link #message(Locale)} gives it in French too.
 */
public class CustodyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final CustodyProblem problem;
    private final List<String> arguments;

    public CustodyException(CustodyProblem problem, String... arguments) {
        this(problem, null, arguments);
    }

    public CustodyException(CustodyProblem problem, Throwable cause, String... arguments) {
        super(render(problem, List.of(arguments), Locale.ENGLISH), cause);
        this.problem = requireNonNull(problem, "problem is null");
        this.arguments = List.of(arguments);
    }

    public CustodyProblem problem() {
        return problem;
    }

    public List<String> arguments() {
        return arguments;
    }

    /** The message in {@code locale} (English or French). */
    public String message(Locale locale) {
        return render(problem, arguments, locale);
    }

    private static String render(CustodyProblem problem, List<String> arguments, Locale locale) {
        ResourceBundle bundle = ResourceBundle.getBundle("ca.heroa.hsm.messages",
                "fr".equals(locale.getLanguage()) ? Locale.FRENCH : Locale.ENGLISH, ResourceBundle.Control.getNoFallbackControl(
                        ResourceBundle.Control.FORMAT_PROPERTIES));
        return new MessageFormat(bundle.getString(problem.messageKey()), locale).format(arguments.toArray());
    }
}
