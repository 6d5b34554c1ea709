package ca.heroa.hsm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Where the token PIN comes from: a file only the service user can read, or a named environment variable. The PIN is
 * read for each login and the copy is overwritten afterwards; it is never logged, echoed or kept.
 */
public sealed interface PinSource {
    int MAX_PIN_BYTES = 256;

    /** The PIN; the caller overwrites the array once logged in. */
    char[] read();

    /** Where the PIN comes from, for messages (never the PIN). */
    String describe();

    static PinSource file(Path path) {
        return new File(path);
    }

    static PinSource environment(String variable) {
        return new Environment(variable);
    }

    record File(Path path) implements PinSource {
        public File {
            requireNonNull(path, "path is null");
        }

        @Override
        public char[] read() {
            byte[] bytes = null;
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
                    throw new CustodyException(CustodyProblem.PIN_FILE_TOO_OPEN, path.toString());
                }
                if (Files.size(path) > MAX_PIN_BYTES + 2) {
                    throw new CustodyException(CustodyProblem.PIN_UNREADABLE, describe(), "longer than " + MAX_PIN_BYTES + " bytes");
                }
                bytes = Files.readAllBytes(path);
                int length = bytes.length;
                while (length > 0 && (bytes[length - 1] == '\n' || bytes[length - 1] == '\r')) {
                    length--;
                }
                return decode(bytes, length, describe());
            } catch (IOException e) {
                throw new CustodyException(CustodyProblem.PIN_UNREADABLE, describe(), e.getClass().getSimpleName());
            } finally {
                if (bytes != null) {
                    Arrays.fill(bytes, (byte) 0);
                }
            }
        }

        @Override
        public String describe() {
            return "file " + path;
        }
    }

    record Environment(String variable) implements PinSource {
        public Environment {
            requireNonNull(variable, "variable is null");
        }

        @Override
        public char[] read() {
            String value = System.getenv(variable);
            if (value == null || value.isEmpty()) {
                throw new CustodyException(CustodyProblem.PIN_UNREADABLE, describe(), "not set");
            }
            if (value.length() > MAX_PIN_BYTES) {
                throw new CustodyException(CustodyProblem.PIN_UNREADABLE, describe(), "longer than " + MAX_PIN_BYTES + " characters");
            }
            return value.toCharArray();
        }

        @Override
        public String describe() {
            return "environment variable " + variable;
        }
    }

    private static char[] decode(byte[] bytes, int length, String source) {
        if (length == 0) {
            throw new CustodyException(CustodyProblem.PIN_UNREADABLE, source, "empty");
        }
        CharBuffer chars = null;
        try {
            chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, length));
            char[] pin = new char[chars.remaining()];
            chars.get(pin);
            return pin;
        } catch (CharacterCodingException e) {
            throw new CustodyException(CustodyProblem.PIN_UNREADABLE, source, "not UTF-8");
        } finally {
            if (chars != null && chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }
}
