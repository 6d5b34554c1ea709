package ca.heroa.appliance.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** {@code --name value} and {@code --flag} command-line options of the benchmark helpers. */
final class Options {
    private final Map<String, String> values = new HashMap<>();

    Options(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            String name = arg.substring(2);
            if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                values.put(name, args[++i]);
            } else {
                values.put(name, "true");
            }
        }
    }

    String required(String name) {
        return optional(name).orElseThrow(() -> new IllegalArgumentException("missing option --" + name));
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name));
    }

    int integer(String name, int fallback) {
        return optional(name).map(Integer::parseInt).orElse(fallback);
    }

    boolean flag(String name) {
        return values.containsKey(name);
    }
}
