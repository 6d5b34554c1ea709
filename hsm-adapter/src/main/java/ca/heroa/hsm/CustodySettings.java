package ca.heroa.hsm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * How to reach the HSM.
 *
 * @param libraries         PKCS#11 libraries to try, in order (production: the vendor's one; development: SoftHSM2's
 *                          known paths)
 * @param token             which token
 * @param pin               where the user PIN comes from
 * @param keyLabelPrefix    prefix of every key label this appliance owns on the token, e.g. {@code heroa}
 * @param reconnectInterval least time between two attempts to reconnect to an HSM that failed
 */
public record CustodySettings(List<Path> libraries, TokenSelector token, PinSource pin, String keyLabelPrefix, Duration reconnectInterval) {
    private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,23}");

    public CustodySettings {
        libraries = List.copyOf(libraries);
        requireNonNull(token, "token is null");
        requireNonNull(pin, "pin is null");
        requireNonNull(keyLabelPrefix, "keyLabelPrefix is null");
        requireNonNull(reconnectInterval, "reconnectInterval is null");
        if (libraries.isEmpty()) {
            throw new IllegalArgumentException("at least one PKCS#11 library path is needed");
        }
        if (!PREFIX.matcher(keyLabelPrefix).matches()) {
            throw new IllegalArgumentException("a key label prefix has 1 to 24 lower-case letters, digits or dashes, starting with a letter");
        }
        if (reconnectInterval.isNegative()) {
            throw new IllegalArgumentException("reconnectInterval is negative");
        }
    }

    /** Where Debian's SoftHSM2 package puts its library. */
    public static final List<Path> SOFTHSM2_LIBRARIES = List.of(
            Path.of("/usr/lib/softhsm/libsofthsm2.so"), Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"));

    /** The label of the key with this purpose (key-encryption keys add a generation: {@code -kek-1}, {@code -kek-2}, ...). */
    String label(KeyPurpose purpose) {
        return keyLabelPrefix + "-" + purpose.labelSuffix();
    }
}
